"""The librarian's review of account requests (SOP steps 2-3): one service for the admin pages
and the `requests` CLI, so both decide the same way.

Rules:
- Only a pending request can be decided. The decision is one conditional UPDATE
  (`... WHERE status = 'pending'`), so a double click or two librarians at once decide once;
  the loser gets `NotPending`.
- Approve, in one transaction: status `approved`, the decision row, the account
  (`pending_activation`) with its activation token, the activation e-mail in the outbox, audit
  rows. Without a mail server the link is returned once to be handed over (audit
  `link_handed_over`); it is not stored anywhere (only the token's hash is).
- Requests for one member number from different e-mails are a *conflict*: none of them can
  be approved until the librarian has rejected the others (`ConflictingRequests`).
- A request whose contact is unverified (its e-mail is not the one SLiMS holds; see
  `member_check`) is approved only with the way the librarian verified it
  (`CONTACT_METHODS`), recorded in the audit (`contact:<method>`); a verified one records
  `contact:slims_email`.
- Reject, in one transaction: status `rejected`, the reason, the rejection e-mail, audit. The
  rejection goes to an address nobody has confirmed, so it carries no text the requester chose
  (not even the name; the member number follows its own strict rule).
- Every decision first records SOP step 2 (audit `checked` for that librarian and request, if
  not yet there), so a decision straight from the queue still leaves the check on record.
- Resend (`resend_activation`): an approved request whose account still waits for activation
  gets a new link (the old one stops working), delivered the way approval delivers it.
- Audit rows name the request by id and carry no personal data (a typed reason is `lainnya`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from ..auth import accounts
from ..auth import queries as auth_queries
from ..clock import expiry_text, library_today
from ..mail import outbox as mail
from ..slims.directory import (
    DirectoryUnavailable,
    ImportedDirectory,
    MemberDirectory,
    MemberRecord,
    Source,
    member_directory,
)
from ..store.audit import add_audit, has_audit
from ..store.statuses import REQUEST_STATUS_WORDS, AccountStatus, RequestStatus
from ..typed_text import TextRefused, typed_text
from . import queries
from .member_check import MemberEvidence, check_request

MAX_REASON_LENGTH = 200
DIGEST_MARKER = "digest"


@dataclass(frozen=True)
class RejectReason:
    """A reason from the short list, with what the patron can do next (for the e-mail)."""

    code: str
    text: str
    advice: str


REJECT_REASONS = (
    RejectReason(
        "bukan_anggota",
        "Bukan anggota perpustakaan",
        "Daftarkan diri sebagai anggota di meja layanan perpustakaan dengan membawa kartu "
        "identitas (KTM/kartu pegawai), lalu ajukan permintaan akun lagi.",
    ),
    RejectReason(
        "keanggotaan_berakhir",
        "Keanggotaan sudah berakhir — perpanjang dulu di perpustakaan",
        "Perpanjang keanggotaan Anda di meja layanan perpustakaan, lalu ajukan permintaan "
        "akun lagi.",
    ),
    RejectReason(
        "data_tidak_sesuai",
        "Data tidak sesuai dengan kartu anggota",
        "Periksa nomor anggota dan nama seperti tertulis pada kartu anggota, lalu ajukan "
        "permintaan akun lagi; atau datang ke perpustakaan untuk memperbaiki data anggota.",
    ),
    RejectReason(
        "permintaan_ganda",
        "Permintaan ganda",
        "Permintaan Anda yang lain sedang atau sudah diproses; tidak perlu mengajukan lagi.",
    ),
)
# How a librarian verified an unverified contact (the guide's ways), for the approval form
# and `requests approve --contact`.
CONTACT_METHODS = {
    "slims": "E-mail itu kini tercatat di data anggota SLiMS (diperiksa di SLiMS)",
    "whatsapp": "Anggota mengonfirmasi lewat WhatsApp ke nomor di SLiMS, dengan kartu anggota",
    "langsung": "Anggota datang langsung ke meja layanan dan menunjukkan kartu anggota",
}
OTHER_REASON_ADVICE = (
    "Hubungi perpustakaan (datang ke meja layanan atau balas e-mail ini) bila ada pertanyaan."
)


class ReviewError(Exception):
    """A decision that cannot be made; `str()` is the message for the librarian (Indonesian)."""


class RequestNotFound(ReviewError):
    def __init__(self, request_id: int) -> None:
        super().__init__(f"Permintaan #{request_id} tidak ditemukan.")


class NotPending(ReviewError):
    """The request was already decided (double click, another librarian, the CLI)."""

    def __init__(self, request_id: int, status: str) -> None:
        self.status = status
        label = REQUEST_STATUS_WORDS.get(status, status)
        super().__init__(f"Permintaan #{request_id} sudah {label}; keputusan tidak diubah.")


class AccountAlreadyActive(ReviewError):
    def __init__(self, member_id: str) -> None:
        super().__init__(
            f"Nomor anggota {member_id} sudah memiliki akun aktif atau nonaktif; "
            "permintaan tidak disetujui. Tolak sebagai permintaan ganda bila perlu."
        )


class InvalidReason(ReviewError):
    pass


class ConflictingRequests(ReviewError):
    """Other pending requests name the same member number with another contact."""

    def __init__(self, request_id: int, others: Iterable[int]) -> None:
        listed = ", ".join(f"#{other}" for other in others)
        super().__init__(
            f"Permintaan #{request_id} tidak disetujui: nomor anggota yang sama juga diminta "
            f"dari kontak lain ({listed}). Pastikan mana yang milik anggota, tolak yang lain, "
            "lalu setujui."
        )


class ContactUnverified(ReviewError):
    """Approval of an unverified contact without saying how it was verified."""

    def __init__(self, request_id: int) -> None:
        super().__init__(
            f"Permintaan #{request_id} tidak disetujui: e-mail pemohon belum terverifikasi "
            "(bukan e-mail anggota di SLiMS). Verifikasi dulu sesuai panduan, lalu pilih cara "
            "verifikasinya."
        )


class NoPendingActivation(ReviewError):
    """Only an approved request whose account waits for activation gets a new link."""

    def __init__(self, request_id: int) -> None:
        super().__init__(
            f"Permintaan #{request_id} tidak memiliki akun yang menunggu aktivasi; tautan "
            "aktivasi tidak dikirim ulang. (Akun yang sudah aktif memakai Lupa kata sandi.)"
        )


@dataclass(frozen=True)
class Decision:
    """What a decision did. `handover_link` is set only when no mail server is configured:
    the activation link, to show once to the librarian and never again."""

    request_id: int
    status: RequestStatus
    member_id: str
    account_id: int | None = None
    mail_id: int | None = None
    handover_link: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class DirectoryInfo:
    """Which member database the evidence comes from, for the page to say so."""

    source: Source
    members: int | None = None  # imported list only
    imported_at: datetime | None = None


# --- reading ---------------------------------------------------------------------------------


class RememberedOutage:
    """A directory that stops asking after the first `DirectoryUnavailable`: a queue of fifty
    requests waits for one SLiMS timeout, not fifty."""

    def __init__(self, directory: MemberDirectory) -> None:
        self.directory = directory
        self.source = directory.source
        self.outage: DirectoryUnavailable | None = None

    def lookup(self, member_id: str) -> MemberRecord | None:
        if self.outage is not None:
            raise self.outage
        try:
            return self.directory.lookup(member_id)
        except DirectoryUnavailable as exc:
            self.outage = exc
            raise


def evidence_for(requests: Iterable[Mapping[str, Any]]) -> dict[int, MemberEvidence]:
    """The member check of each request (by id), from the app's member database."""
    directory = RememberedOutage(member_directory())
    today = library_today()
    return {row["id"]: check_request(row, directory, today) for row in requests}


def directory_info() -> DirectoryInfo:
    directory = member_directory()
    if isinstance(directory, ImportedDirectory):
        try:
            members, imported_at = directory.snapshot()
        except SQLAlchemyError:  # shown as unknown; the evidence says why
            return DirectoryInfo("csv")
        return DirectoryInfo("csv", members, imported_at)
    return DirectoryInfo(directory.source)


def get_request(connection: Connection, request_id: int) -> dict[str, Any]:
    row = queries.get_request(connection, request_id)
    if row is None:
        raise RequestNotFound(request_id)
    return row


def record_check(connection: Connection, request_id: int, *, actor: str) -> bool:
    """Audit `checked` (SOP step 2) the first time `actor` views or decides a request (a
    decision straight from the queue is a check too); True if written."""
    if has_audit(connection, action="checked", actor=actor, request_id=request_id):
        return False
    add_audit(connection, action="checked", outcome="ok", actor=actor, request_id=request_id)
    return True


# --- deciding --------------------------------------------------------------------------------


def claim(connection: Connection, request_id: int, status: RequestStatus) -> dict[str, Any]:
    """Move the request from pending to `status`, or raise RequestNotFound / NotPending."""
    if not queries.decide_request(connection, request_id, status):
        current = queries.get_request(connection, request_id)
        if current is None:
            raise RequestNotFound(request_id)
        raise NotPending(request_id, current["status"])
    return get_request(connection, request_id)


def conflicts_for(
    connection: Connection, rows: Iterable[Mapping[str, Any]]
) -> dict[int, list[dict[str, Any]]]:
    """For each request (by id), the other pending requests of its member number."""
    rows = list(rows)
    found = queries.open_requests_for_members(connection, [row["member_id"] for row in rows])
    return {
        row["id"]: [other for other in found[row["member_id"]] if other["id"] != row["id"]]
        for row in rows
    }


def contact_verification(row: Mapping[str, Any], contact: str | None) -> str:
    """The audit code of how `row`'s contact is verified: `slims_email` when the member check
    finds its e-mail in SLiMS, else the librarian's `contact` (one of CONTACT_METHODS);
    raises ContactUnverified."""
    if evidence_for([row])[row["id"]].contact_verified:
        return "slims_email"
    if contact in CONTACT_METHODS:
        return contact
    raise ContactUnverified(row["id"])


def approve(
    connection: Connection, request_id: int, *, actor: str, contact: str | None = None
) -> Decision:
    """Approve in the caller's transaction (see the module's rule); raises ReviewError."""
    pending = get_request(connection, request_id)
    if pending["status"] != RequestStatus.PENDING:
        raise NotPending(request_id, pending["status"])
    others = conflicts_for(connection, [pending])[request_id]
    if others:
        raise ConflictingRequests(request_id, [other["id"] for other in others])
    verified_by = contact_verification(pending, contact)
    record_check(connection, request_id, actor=actor)
    row = claim(connection, request_id, RequestStatus.APPROVED)
    try:
        account_id, token = accounts.create_account_for_request(
            connection, request_id, member_id=row["member_id"], email=row["email"]
        )
    except accounts.AccountExists:
        raise AccountAlreadyActive(row["member_id"]) from None
    queries.insert_decision(
        connection,
        request_id=request_id,
        decision=RequestStatus.APPROVED,
        decided_by=actor,
        account_id=account_id,
    )
    add_audit(
        connection,
        action="approved",
        outcome="ok",
        actor=actor,
        reason=f"contact:{verified_by}",
        request_id=request_id,
    )
    mail_id, link = deliver_activation(connection, row, row["email"], token, actor=actor)
    return Decision(
        request_id,
        RequestStatus.APPROVED,
        row["member_id"],
        account_id,
        mail_id=mail_id,
        handover_link=link,
    )


def deliver_activation(
    connection: Connection, row: Mapping[str, Any], email: str, token: str, *, actor: str
) -> tuple[int | None, str | None]:
    """Send the activation link of request `row` to `email` through the outbox, or, without a
    mail server, return it to be shown once (audit `link_handed_over`).
    Returns (outbox id, None) or (None, link)."""
    link = mail.public_url(accounts.activation_path(token))
    if not mail.mail_configured(current_app):
        add_audit(
            connection,
            action="link_handed_over",
            outcome="ok",
            actor=actor,
            request_id=row["id"],
        )
        return None, link
    mail_id = mail.queue_mail(
        connection,
        email,
        "activation",
        name=row["name"],
        member_id=row["member_id"],
        link=link,
        hours=current_app.config["ACTIVATION_TOKEN_HOURS"],
        until=expiry_text(accounts.activation_lifetime()),
    )
    add_audit(
        connection,
        action="mail_queued",
        outcome="ok",
        actor=actor,
        reason=f"activation outbox:{mail_id}",
        request_id=row["id"],
    )
    return mail_id, None


def pending_account_of(connection: Connection, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The account an approved request made, while it still waits for activation."""
    if row["status"] != RequestStatus.APPROVED or row["account_id"] is None:
        return None
    account = auth_queries.get_account(connection, row["account_id"])
    if account is None or account["status"] != AccountStatus.PENDING_ACTIVATION:
        return None
    return account


def resend_activation(connection: Connection, request_id: int, *, actor: str) -> Decision:
    """A new activation link for an approved request whose account is not activated yet (the
    old link stops working), delivered as approval does; audit `activation_resent`.
    Raises RequestNotFound or NoPendingActivation."""
    row = get_request(connection, request_id)
    account = pending_account_of(connection, row)
    if account is None:
        raise NoPendingActivation(request_id)
    token = accounts.renew_activation(connection, account["id"])
    add_audit(
        connection, action="activation_resent", outcome="ok", actor=actor, request_id=request_id
    )
    mail_id, link = deliver_activation(connection, row, account["email"], token, actor=actor)
    return Decision(
        request_id,
        RequestStatus.APPROVED,
        row["member_id"],
        account["id"],
        mail_id=mail_id,
        handover_link=link,
    )


def reason_for(choice: str | None, typed: str | None) -> tuple[str, str, str]:
    """(text, advice, audit code) of a rejection: the typed reason wins over the list's.

    Raises InvalidReason when neither is given or the typed one is too long or not text."""
    try:
        typed = typed_text(typed or "", max_length=MAX_REASON_LENGTH, required=False)
    except TextRefused as refused:
        raise InvalidReason(f"Alasan: {refused}") from None
    if typed:
        listed = next((r for r in REJECT_REASONS if r.text.casefold() == typed.casefold()), None)
        if listed is not None:
            return listed.text, listed.advice, listed.code
        return typed, OTHER_REASON_ADVICE, "lainnya"
    for listed in REJECT_REASONS:
        if choice in (listed.code, listed.text):
            return listed.text, listed.advice, listed.code
    raise InvalidReason("Pilih alasan penolakan atau tuliskan alasannya.")


def reject(
    connection: Connection,
    request_id: int,
    *,
    actor: str,
    choice: str | None = None,
    typed: str | None = None,
) -> Decision:
    """Reject in the caller's transaction with a listed (`choice`) or `typed` reason."""
    text, advice, code = reason_for(choice, typed)
    record_check(connection, request_id, actor=actor)
    row = claim(connection, request_id, RequestStatus.REJECTED)
    queries.insert_decision(
        connection,
        request_id=request_id,
        decision=RequestStatus.REJECTED,
        decided_by=actor,
        reason=text,
    )
    add_audit(
        connection,
        action="rejected",
        outcome="ok",
        actor=actor,
        reason=code,
        request_id=request_id,
    )
    mail_id = mail.queue_mail(
        connection,
        row["email"],
        "rejection",
        member_id=row["member_id"],
        reason=text,
        advice=advice,
    )
    add_audit(
        connection,
        action="mail_queued",
        outcome="ok",
        actor=actor,
        reason=f"rejection outbox:{mail_id}",
        request_id=request_id,
    )
    return Decision(
        request_id, RequestStatus.REJECTED, row["member_id"], mail_id=mail_id, reason=text
    )


# --- alerting --------------------------------------------------------------------------------


def notify_librarians(connection: Connection) -> int:
    """Queue the new-requests digest to every active librarian with an e-mail address when
    requests arrived since the last digest; returns how many messages were queued.

    The digest says how many, not who (no personal data by e-mail); the marker remembers the
    newest request covered, so each request is announced once."""
    since = queries.get_marker(connection, DIGEST_MARKER)
    new, newest = queries.pending_since(connection, since)
    if not new or newest is None:
        return 0
    recipients = queries.active_librarian_emails(connection)
    pending = queries.count_pending(connection)
    for address in recipients:
        mail.queue_mail(
            connection,
            address,
            "new_requests",
            new=new,
            pending=pending,
            link=mail.public_url("/admin/"),
        )
    queries.set_marker(connection, DIGEST_MARKER, newest)
    add_audit(
        connection,
        action="digest_queued",
        outcome="ok" if recipients else "no_recipient",
        actor="system",
        reason=f"{new} permintaan baru; {len(recipients)} penerima",
    )
    return len(recipients)
