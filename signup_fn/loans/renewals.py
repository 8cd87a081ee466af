"""Loan extensions arranged online (the pandemic SOP): the patron asks, the librarian decides.

Rules:
- A patron asks for one of their own current loans, as SLiMS shows it at that moment; one open
  (pending) request per loan. Every step writes an audit row without personal data
  (`extension:<id>`), in the same transaction as the change.
- Granting is refused where SLiMS' circulation offers no extension, and the request stays
  pending for the librarian to decline with a note (`grant_refusal`): the loan is no longer
  current, the membership has expired, the loan was already extended (returned) today, it
  has reached its `reborrow_limit`, another member reserved the copy (the borrower's own
  reservation does not count), or its loan period or limit is unknown.
- The new due date and fine are SLiMS' (`slims_circulation`): the loan period counted from
  the library's today, past closed days, capped at the membership's expiry; the overdue fine
  recorded in `fines`. With write access (`PORTAL_SLIMS_WRITE=1`) granting writes them to SLiMS
  as its circulation does (`slims.extend_loan`), inside the portal transaction that records
  the decision: if SLiMS refuses, nothing is recorded. Without write access the request is
  recorded as granted with `slims_updated = false`, and the librarian is told what to do in
  SLiMS circulation (`manual_instruction`) until they mark it done.
- Declining needs a note. The patron is e-mailed either decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Connection

from catalog.labels import date_label

from ..clock import library_now, library_today
from ..mail import outbox as mail
from ..slims import connection as slims
from ..slims.write import write_engine
from ..store.audit import add_audit
from ..store.statuses import ExtensionStatus
from . import queries


class ExtensionRefused(Exception):
    """The decision cannot be made; the message (Indonesian) tells the librarian why."""


@dataclass(frozen=True)
class Granted:
    item_code: str
    new_due_date: date
    slims_updated: bool


ALREADY_DECIDED = "Permintaan ini sudah diputuskan (mungkin oleh pustakawan lain)."


def audit_reason(extension_id: int) -> str:
    return f"extension:{extension_id}"


def request_extension(
    connection: Connection, *, account_id: int, loan: slims.Loan, note: str | None, actor: str
) -> int | None:
    """Store a pending request for this current loan; None when one is already open."""
    extension_id = queries.insert_extension_request(
        connection,
        account_id=account_id,
        loan_id=loan.loan_id,
        item_code=loan.item_code,
        title=loan.title,
        due_date=loan.due_date or library_today(),
        note=note,
    )
    add_audit(
        connection,
        action="extension_requested",
        outcome="ok" if extension_id is not None else "duplicate",
        actor=actor,
        reason=audit_reason(extension_id) if extension_id is not None else None,
    )
    return extension_id


def grant_refusal(state: slims.LoanState | None) -> str | None:
    """Why SLiMS would not extend this loan now, or None when it may be extended."""
    if state is None:
        return "Pinjaman ini tidak ada lagi di SLiMS; tolak permintaan dengan catatan."
    if not state.is_current:
        return "Pinjaman ini sudah dikembalikan (tidak aktif lagi di SLiMS)."
    if state.member_expired:
        return (
            "Keanggotaan peminjam sudah berakhir; SLiMS tidak mengizinkan perpanjangan sebelum "
            "keanggotaannya diperpanjang."
        )
    if state.extended_today:
        return "Pinjaman ini sudah diperpanjang hari ini; SLiMS hanya mengizinkan sekali sehari."
    if state.reserved:
        return (
            "Eksemplar ini sedang dipesan (reservasi) anggota lain; SLiMS tidak mengizinkan "
            "perpanjangan."
        )
    if state.reborrow_limit is None or state.new_due_date() is None:
        return (
            "Lama pinjam atau batas perpanjangan untuk pinjaman ini tidak diketahui di SLiMS "
            "(jenis anggota atau aturan peminjaman)."
        )
    if state.limit_reached:
        return (
            f"Batas perpanjangan tercapai: sudah diperpanjang {state.renewed} kali dari batas "
            f"{state.reborrow_limit} kali."
        )
    return None


def manual_instruction(item_code: str, new_due_date: date) -> str:
    """What the librarian does in SLiMS when the portal has no write access."""
    return (
        f"Perpanjang di modul sirkulasi SLiMS: item {item_code} sampai tanggal "
        f"{tanggal(new_due_date)}."
    )


def grant(
    connection: Connection,
    request: dict[str, Any],
    state: slims.LoanState | None,
    *,
    librarian_id: int,
    actor: str,
    note: str | None,
) -> Granted:
    """Grant a pending request in the caller's transaction (see the module's rules).

    Raises ExtensionRefused, or slims.SlimsUnavailable when the SLiMS write fails (the
    caller's transaction then rolls back: nothing is recorded)."""
    if request["status"] != ExtensionStatus.PENDING:
        raise ExtensionRefused(ALREADY_DECIDED)
    refusal = grant_refusal(state)
    new_due_date = state.new_due_date() if state is not None else None
    if refusal is not None or state is None or new_due_date is None:
        raise ExtensionRefused(refusal or ALREADY_DECIDED)
    engine = write_engine()
    if not queries.decide_extension_request(
        connection,
        request["id"],
        status=ExtensionStatus.GRANTED,
        librarian_id=librarian_id,
        decision_note=note,
        new_due_date=new_due_date,
        slims_updated=engine is not None,
    ):
        raise ExtensionRefused(ALREADY_DECIDED)
    if engine is not None:
        with slims.slims_transaction(engine) as slims_connection:
            extended = slims.extend_loan(
                slims_connection,
                state,
                new_due_date,
                now=library_now(),
                fine_description=current_app.config["SLIMS_FINE_DESCRIPTION"],
            )
        if not extended:
            raise ExtensionRefused(
                "SLiMS tidak mengubah pinjaman ini: datanya berubah sejak halaman dibuka "
                "(dikembalikan atau sudah diperpanjang). Muat ulang halaman."
            )
    add_audit(
        connection,
        action="extension_granted",
        outcome="ok" if engine is not None else "manual",
        actor=actor,
        reason=audit_reason(request["id"]),
    )
    mail.queue_mail(
        connection,
        request["email"],
        "extension_granted",
        title=request["title"],
        item_code=request["item_code"],
        new_due_date=tanggal(new_due_date),
        slims_updated=engine is not None,
        note=note,
        link=mail.public_url("/loans"),
    )
    return Granted(request["item_code"], new_due_date, engine is not None)


def decline(
    connection: Connection,
    request: dict[str, Any],
    *,
    librarian_id: int,
    actor: str,
    note: str,
) -> None:
    """Decline a pending request with the librarian's note; e-mail the patron."""
    if not note:
        raise ExtensionRefused("Tulis alasan penolakan; alasan itu dikirim ke pemustaka.")
    if request["status"] != ExtensionStatus.PENDING or not queries.decide_extension_request(
        connection,
        request["id"],
        status=ExtensionStatus.DECLINED,
        librarian_id=librarian_id,
        decision_note=note,
    ):
        raise ExtensionRefused(ALREADY_DECIDED)
    add_audit(
        connection,
        action="extension_declined",
        outcome="ok",
        actor=actor,
        reason=audit_reason(request["id"]),
    )
    mail.queue_mail(
        connection,
        request["email"],
        "extension_declined",
        title=request["title"],
        item_code=request["item_code"],
        due_date=tanggal(request["due_date"]),
        note=note,
        link=mail.public_url("/loans"),
    )


def mark_done(connection: Connection, extension_id: int, *, actor: str) -> bool:
    """The librarian carried out a granted extension in SLiMS circulation."""
    done = queries.mark_extension_done_in_slims(connection, extension_id)
    if done:
        add_audit(
            connection,
            action="extension_done_in_slims",
            outcome="ok",
            actor=actor,
            reason=audit_reason(extension_id),
        )
    return done


def tanggal(value: date | None) -> str:
    """A date as Indonesians write it: `5 Maret 2026` (empty when unknown)."""
    return "" if value is None else date_label(value)
