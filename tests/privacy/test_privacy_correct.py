"""`flask --app signup_fn privacy correct`: a person's data corrected on request (UU PDP),
checked by the sign-up form's own rules, audited by field names only."""

from __future__ import annotations

import json

from flask import Flask

from signup_fn.store import schema
from tests.support.review_helpers import ACTIVATION_LINK, add_request
from tests.support.samples import VALID
from tests.support.stored import audit_rows, requests_stored, rows

MEMBER = VALID["member_id"]


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["privacy", "correct", *args])


def test_correction_updates_pending_request_and_audits_field_names(app: Flask) -> None:
    request_id = add_request(app)
    result = invoke(
        app, MEMBER.lower(), "--email", "Siti.Baru@Example.ac.id", "--name", " Siti Nur Haliza "
    )
    assert result.exit_code == 0, result.output
    assert f"Permintaan #{request_id}: E-mail: {VALID['email']} → Siti.Baru@example.ac.id" in (
        result.output
    )
    assert "Nama lengkap: Siti Nurhaliza → Siti Nur Haliza" in result.output
    (stored,) = requests_stored(app)
    assert (stored["email"], stored["name"]) == ("Siti.Baru@example.ac.id", "Siti Nur Haliza")
    assert stored["phone"] == VALID["phone"] and stored["programme"] == VALID["programme"]
    corrections = [row for row in audit_rows(app) if row["action"] == "correction"]
    assert [(row["request_id"], row["reason"], row["actor"]) for row in corrections] == [
        (request_id, "fields:email,name", "cli")
    ]
    flat = json.dumps([list(map(str, row.values())) for row in audit_rows(app)]).casefold()
    for secret in ("siti.baru", "nur haliza", VALID["email"]):
        assert secret.casefold() not in flat


def test_invalid_values_use_the_sign_up_forms_messages_and_change_nothing(app: Flask) -> None:
    add_request(app)
    result = invoke(app, MEMBER, "--email", "bukan-alamat", "--phone", "12ab", "--name", "x" * 81)
    assert result.exit_code == 1
    assert "--email (E-mail): Alamat e-mail tidak valid." in result.output
    assert "--phone (Nomor telepon): Nomor telepon: 6–29 angka" in result.output
    assert "--name (Nama lengkap): Terlalu panjang: paling banyak 80 karakter." in result.output
    assert "Tidak ada data yang diubah." in result.output
    newline = invoke(app, MEMBER, "--programme", "D3\nKeperawatan")
    assert newline.exit_code == 1 and "baris baru (U+000A)" in newline.output
    assert requests_stored(app)[0]["email"] == VALID["email"]
    assert [row for row in audit_rows(app) if row["action"] == "correction"] == []


def test_approved_request_and_pending_account_follow_the_new_address(app: Flask) -> None:
    request_id = add_request(app)
    approval = app.test_cli_runner().invoke(
        args=["requests", "approve", str(request_id), "--contact", "langsung"]
    )
    assert approval.exit_code == 0
    result = invoke(app, MEMBER, "--email", "baru@example.ac.id", "--phone", "")
    assert result.exit_code == 0, result.output
    assert "Akun: E-mail:" in result.output and "requests resend" in result.output
    assert f"Permintaan #{request_id}: Nomor telepon: {VALID['phone']} → -" in result.output
    (account,) = rows(app, schema.accounts)
    assert account["email"] == "baru@example.ac.id"
    assert requests_stored(app)[0]["phone"] is None
    resend = app.test_cli_runner().invoke(args=["requests", "resend", str(request_id)])
    assert ACTIVATION_LINK.search(resend.output)
    corrections = [row for row in audit_rows(app) if row["action"] == "correction"]
    assert [(row["request_id"], row["reason"]) for row in corrections] == [
        (request_id, "fields:email,phone"),
        (None, f"patron:{account['id']} fields:email"),
    ]
    export = app.test_cli_runner().invoke(args=["privacy", "export", MEMBER])
    record = json.loads(export.output)["processing_record"]
    assert [row["reason"] for row in record if row["action"] == "correction"] == [
        "fields:email,phone",
        f"patron:{account['id']} fields:email",
    ]


def test_rejected_requests_stay_as_they_were(app: Flask) -> None:
    request_id = add_request(app)
    app.test_cli_runner().invoke(
        args=["requests", "reject", str(request_id), "--reason", "bukan_anggota"]
    )
    result = invoke(app, MEMBER, "--name", "Siti Lain")
    assert result.exit_code == 1 and "Tidak ada permintaan" in result.output
    assert requests_stored(app)[0]["name"] == VALID["name"]


def test_same_values_change_nothing_and_options_are_required(app: Flask) -> None:
    add_request(app)
    same = invoke(app, MEMBER, "--email", VALID["email"])
    assert same.exit_code == 0 and "Tidak ada yang berubah" in same.output
    bare = invoke(app, MEMBER)
    assert bare.exit_code == 2 and "--email" in bare.output
    assert [row for row in audit_rows(app) if row["action"] == "correction"] == []
