"""`flask --app signup_fn requests ...`: the review from the command line, through the same
`review` functions as the admin pages. Actor `cli`, or `librarian:<id>` with `--by USERNAME`.

`requests resend ID` issues a new activation link (as the admin page's button does).
`requests notify` (for a scheduler) sends the new-requests digest; `requests report` prints
the reports' figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from flask.cli import AppGroup

from ..auth import librarians
from ..auth import queries as auth_queries
from ..clock import format_moment
from ..mail import outbox as mail
from ..reports import service as reports
from ..services import app_itself, services
from ..store.engine import transaction
from ..store.statuses import REQUEST_STATUS_WORDS, RequestStatus
from ..typed_text import CLI_TEXT
from ..web import admin_layout
from ..web.ids import ROW_ID_TYPE
from . import queries
from . import service as review
from .member_check import MemberEvidence

requests_cli = AppGroup("requests", help="Permintaan akun: periksa, setujui, tolak, laporan.")

ALL = "all"
STATUS_CHOICE = click.Choice([*(status.value for status in RequestStatus), ALL])
BY_OPTION = click.option(
    "--by",
    "username",
    type=CLI_TEXT,
    default=None,
    help="Nama pengguna pustakawan yang memutuskan.",
)


def actor_for(username: str | None) -> str:
    """`cli`, or the active librarian USERNAME's actor."""
    if username is None:
        return "cli"
    with services().engine.connect() as connection:
        librarian = auth_queries.find_librarian(connection, username.strip().lower())
    if librarian is None or not librarian["active"]:
        raise click.BadParameter("pustakawan tidak ditemukan atau nonaktif.", param_hint="--by")
    return librarians.actor(librarian["id"])


def send_now() -> None:
    """Try the outbox at once (best effort; `mail send` retries later)."""
    app = app_itself()
    if mail.mail_configured(app):
        mail.send_quietly(app)


@requests_cli.command("list")
@click.option(
    "--status", type=STATUS_CHOICE, default=RequestStatus.PENDING.value, show_default=True
)
def list_command(status: str) -> None:
    """Daftar permintaan (yang menunggu: terlama dahulu)."""
    with services().engine.connect() as connection:
        rows = queries.list_requests(connection, None if status == ALL else RequestStatus(status))
    for row in rows:
        click.echo(
            f"#{row['id']}\t{row['status']}\t{format_moment(row['created_at'])}"
            f" ({admin_layout.age(row['created_at'])})\t{row['member_id']}\t{row['name']}"
        )
    click.echo(f"{len(rows)} permintaan.")


ROLE_WORDS = {"student": "mahasiswa", "lecturer": "dosen", "staff": "tenaga kependidikan"}
VERDICT_WORDS = {"tidak_diketahui": "tidak diketahui"}


def yes_no(value: bool | None) -> str:
    return "tidak diketahui" if value is None else ("ya" if value else "tidak")


def evidence_lines(row: Mapping[str, Any], evidence: MemberEvidence) -> list[tuple[str, str]]:
    """The admin page's evidence table as `label: request | anggota: record | hasil: result`
    lines (templates/admin/request.html), membership expiry and member type included."""
    record = evidence.record

    def member(value: Any) -> str:
        return str(value or "-") if record else "-"

    def verdict(value: str) -> str:
        return VERDICT_WORDS.get(value, value)

    if evidence.unavailable:
        found = "tidak diketahui"
    else:
        found = "ditemukan" if evidence.known else "tidak ditemukan"
    name = evidence.name
    email = verdict(evidence.email) + ("" if evidence.contact_verified else ": belum terverifikasi")
    expiry = record.expire_date.strftime("%d-%m-%Y") if record and record.expire_date else "-"
    lines = [
        ("Data anggota tidak tersedia", evidence.unavailable) if evidence.unavailable else None,
        ("Nomor anggota", f"{row['member_id']} | anggota: {member(record and record.member_id)}"
         f" | hasil: {found}"),
        ("Nama", f"{row['name']} | anggota: {member(record and record.name)} | hasil: "
         + (f"{verdict(name.verdict)} (skor {name.score:.2f})" if name else "-")),
        ("E-mail", f"{row['email']} | anggota: {member(record and record.email)} | hasil: {email}"),
        ("Telepon", f"{row['phone'] or '-'} | anggota: {member(record and record.phone)}"
         f" | hasil: {verdict(evidence.phone)}"),
        ("Program studi / institusi", f"{row['programme']} | anggota:"
         f" {member(record and record.inst_name)} | hasil: {verdict(evidence.programme)}"),
        ("Peran / jenis anggota", f"{ROLE_WORDS.get(row['role'], row['role'])} | anggota:"
         f" {member(record and record.member_type)}"),
        ("Berlaku sampai", f"anggota: {expiry} | kedaluwarsa: {yes_no(evidence.expired)}"),
        ("Keanggotaan tertunda", yes_no(evidence.pending)),
        ("Persetujuan privasi",
         f"versi {row['consent_version']}, {format_moment(row['consent_at'])}"),
    ]  # fmt: skip
    return [line for line in lines if line is not None]


@requests_cli.command("show")
@click.argument("request_id", type=ROW_ID_TYPE)
def show_command(request_id: int) -> None:
    """Satu permintaan dengan bukti pemeriksaan anggota, seperti di halaman admin."""
    with services().engine.connect() as connection:
        row = queries.get_request(connection, request_id)
    if row is None:
        raise click.ClickException(str(review.RequestNotFound(request_id)))
    evidence = review.evidence_for([row])[request_id]
    lines = [
        ("Permintaan", f"#{row['id']} ({REQUEST_STATUS_WORDS.get(row['status'], row['status'])})"),
        (
            "Diterima",
            f"{format_moment(row['created_at'])} ({admin_layout.age(row['created_at'])})",
        ),
        ("Sumber data anggota", review.directory_info().source),
        *evidence_lines(row, evidence),
        ("Saran", evidence.suggestion),
        *(("Temuan", finding) for finding in evidence.findings),
    ]
    if evidence.contact_advice and evidence.known is not False:
        lines.append(("Kontak", evidence.contact_advice + " (`requests approve ID --contact`)"))
    if row["status"] == RequestStatus.PENDING:
        with services().engine.connect() as connection:
            others = review.conflicts_for(connection, [row])[request_id]
        if others:
            listed = ", ".join(f"#{other['id']} ({other['email']})" for other in others)
            lines.append(("Konflik", f"nomor anggota yang sama juga diminta oleh {listed}"))
    if row["decided_at"] is not None:
        reason = f"; alasan: {row['reason']}" if row["reason"] else ""
        lines.append(
            ("Keputusan", f"{format_moment(row['decided_at'])} oleh {row['decided_by']}{reason}")
        )
    for label, value in lines:
        click.echo(f"{label}: {value}")


@requests_cli.command("approve")
@click.argument("request_id", type=ROW_ID_TYPE)
@click.option(
    "--contact",
    type=click.Choice(sorted(review.CONTACT_METHODS)),
    default=None,
    help="Cara e-mail pemohon diverifikasi, bila belum tercatat di SLiMS: "
    + "; ".join(f"{code} = {text}" for code, text in review.CONTACT_METHODS.items())
    + ".",
)
@BY_OPTION
def approve_command(request_id: int, contact: str | None, username: str | None) -> None:
    """Setujui permintaan: akun dibuat, tautan aktivasi dikirim (atau dicetak sekali)."""
    actor = actor_for(username)
    try:
        with transaction(services().engine) as connection:
            decision = review.approve(connection, request_id, actor=actor, contact=contact)
    except review.ReviewError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Permintaan #{request_id} disetujui (nomor anggota {decision.member_id}).")
    echo_delivery(decision)


def echo_delivery(decision: review.Decision) -> None:
    """The activation link once (no mail server), or the e-mail sent on its way."""
    if decision.handover_link:
        click.echo("Server e-mail belum diatur. Serahkan tautan aktivasi ini kepada pemohon")
        click.echo("(sekali pakai; tidak akan ditampilkan lagi):")
        click.echo(decision.handover_link)
    else:
        click.echo("E-mail aktivasi masuk antrean pengiriman.")
        send_now()


@requests_cli.command("resend")
@click.argument("request_id", type=ROW_ID_TYPE)
@BY_OPTION
def resend_command(request_id: int, username: str | None) -> None:
    """Tautan aktivasi baru untuk permintaan disetujui yang belum diaktifkan (yang lama gugur)."""
    actor = actor_for(username)
    try:
        with transaction(services().engine) as connection:
            decision = review.resend_activation(connection, request_id, actor=actor)
    except review.ReviewError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Tautan aktivasi baru untuk permintaan #{request_id} (nomor anggota "
        f"{decision.member_id}); tautan lama tidak berlaku lagi."
    )
    echo_delivery(decision)


@requests_cli.command("reject")
@click.argument("request_id", type=ROW_ID_TYPE)
@click.option(
    "--reason", type=CLI_TEXT, required=True, help="Alasan (teks, atau kode dari daftar)."
)
@BY_OPTION
def reject_command(request_id: int, reason: str, username: str | None) -> None:
    """Tolak permintaan dengan alasan; pemohon menerima e-mail."""
    actor = actor_for(username)
    listed = {item.code for item in review.REJECT_REASONS}
    choice, typed = (reason, None) if reason in listed else (None, reason)
    try:
        with transaction(services().engine) as connection:
            decision = review.reject(
                connection, request_id, actor=actor, choice=choice, typed=typed
            )
    except review.ReviewError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Permintaan #{request_id} ditolak: {decision.reason}.")
    send_now()


@requests_cli.command("notify")
def notify_command() -> None:
    """E-mail ke pustakawan bila ada permintaan baru sejak ringkasan terakhir (untuk cron)."""
    with transaction(services().engine) as connection:
        queued = review.notify_librarians(connection)
    if queued:
        click.echo(f"Pemberitahuan permintaan baru dikirim ke {queued} pustakawan.")
        send_now()
    else:
        click.echo("Tidak ada permintaan baru sejak pemberitahuan terakhir (atau tanpa penerima).")


@requests_cli.command("report")
def report_command() -> None:
    """Cetak angka laporan (sama dengan /admin/reports)."""
    with services().engine.connect() as connection:
        report = reports.build_report(connection)
    for name, title in (
        ("status", "Permintaan menurut status dan bulan"),
        ("timing", "Waktu layanan (menit; standar keputusan 12 menit)"),
        ("steps", "Lima langkah prosedur (menit; standar 5, 10, 2, 5, 2)"),
        ("resources", "Penggunaan sumber (Total_Item_Requests; rinciannya: usage report)"),
        ("extensions", "Permintaan perpanjangan pinjaman per bulan"),
    ):
        click.echo(f"== {title}")
        for row in reports.table(report, name):
            click.echo("\t".join(row))
