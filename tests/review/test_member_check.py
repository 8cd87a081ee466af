"""The member check's evidence: name, membership, e-mail, programme, and the suggestion."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from signup_fn.review.member_check import (
    check_request,
    compare_emails,
    compare_names,
    compare_programme,
    evaluate,
    name_tokens,
)
from signup_fn.slims.directory import MemberRecord, member_directory
from tests.support.slims_export import export_text, member_row

TODAY = date(2026, 3, 1)
RECORD = MemberRecord(
    member_id="P27820121001",
    name="Siti Nurhaliza, S.Kep., Ns.",
    email="Siti@Example.ac.id",
    member_type="Mahasiswa",
    inst_name="Prodi D-III Keperawatan",
    expire_date=date(2026, 8, 31),
    is_pending=False,
    source="csv",
)
REQUEST = {
    "member_id": "P27820121001",
    "name": "Siti Nurhaliza",
    "email": "siti@example.ac.id",
    "programme": "D3 Keperawatan",
}


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Siti Nurhaliza, S.Kep., Ns.", ["siti", "nurhaliza"]),
        ("dr. Rudi Hartono, M.Kes", ["rudi", "hartono"]),
        ("Dewi Lestari, A.Md.Keb", ["dewi", "lestari"]),
        ("Ani Amd.Keb", ["ani"]),
        ("Ratna S.ST, M.Tr.Keb", ["ratna"]),
        ("JOSÉ  Müller-Lüdenscheidt", ["jose", "mullerludenscheidt"]),
        ("Nur'aini", ["nuraini"]),
        ("Ｓｉｔｉ", ["siti"]),  # full-width letters (NFKD)
    ],
)
def test_name_tokens_drop_titles_accents_and_punctuation(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("requested", "recorded", "verdict"),
    [
        ("Siti Nurhaliza", "Siti Nurhaliza, S.Kep., Ns.", "sama"),
        ("siti NURHALIZA", "Nurhaliza Siti", "sama"),  # order and case do not count
        ("José Rizal", "Jose Rizal", "sama"),
        ("Ns. Ahmad Fauzi, S.Kep", "ahmad fauzi", "sama"),
        ("Siti Nurhalisa", "Siti Nurhaliza", "mirip"),  # one letter
        ("Nur Haliza", "Nurhaliza", "mirip"),  # spaced differently
        ("Siti Nurhaliza", "Siti Nurhaliza Putri", "mirip"),  # one contains the other
        ("Muhammad Rizki", "Muhamad Rizky", "mirip"),
        ("Siti", "Siti Aminah Putri", "berbeda"),  # one shared given name is not enough
        ("Budi Santoso", "Siti Nurhaliza", "berbeda"),
        ("", "Siti", "berbeda"),
        ("S.Kep.", "Siti", "berbeda"),  # nothing left of the name
    ],
)
def test_compare_names(requested: str, recorded: str, verdict: str) -> None:
    comparison = compare_names(requested, recorded)
    assert comparison.verdict == verdict
    assert 0.0 <= comparison.score <= 1.0
    if verdict == "sama":
        assert comparison.score == 1.0


def test_compare_emails_and_programmes() -> None:
    assert compare_emails("A@Example.ac.id ", "a@example.ac.id") == "sama"
    assert compare_emails("a@example.ac.id", "b@example.ac.id") == "berbeda"
    assert compare_emails("a@example.ac.id", None) == "tidak_diketahui"
    assert compare_emails(None, "a@example.ac.id") == "tidak_diketahui"
    assert compare_programme("D3 Keperawatan", "Prodi D-III Keperawatan") == "mirip"
    assert compare_programme("Sarjana Terapan Kebidanan", "Kebidanan") == "mirip"
    assert compare_programme("D3 Keperawatan", "Teknologi Laboratorium Medis") == "berbeda"
    assert compare_programme("D3 Keperawatan", None) == "tidak_diketahui"


def test_a_matching_member_is_cocok() -> None:
    evidence = evaluate(REQUEST, RECORD, TODAY)
    assert evidence.known is True and evidence.record == RECORD
    assert evidence.name is not None and evidence.name.verdict == "sama"
    assert (evidence.expired, evidence.pending, evidence.email, evidence.programme) == (
        False,
        False,
        "sama",
        "mirip",
    )
    assert evidence.outcome == "cocok"
    assert evidence.suggestion == "Cocok: data anggota dan e-mail sesuai SLiMS"
    assert evidence.findings == ()


def test_an_unknown_number_is_tolak() -> None:
    evidence = evaluate(REQUEST, None, TODAY)
    assert (evidence.known, evidence.outcome, evidence.record) == (False, "tolak", None)
    assert evidence.suggestion == "Tolak: bukan anggota (nomor anggota tidak ditemukan)"


def test_a_different_name_is_periksa_with_its_score() -> None:
    evidence = evaluate({**REQUEST, "name": "Budi Santoso"}, RECORD, TODAY)
    assert evidence.outcome == "periksa"
    assert evidence.name is not None and evidence.name.verdict == "berbeda"
    assert evidence.suggestion.startswith("Periksa: nama berbeda (skor 0.")


def test_expired_pending_and_other_email_are_all_listed() -> None:
    record = replace(RECORD, expire_date=date(2026, 2, 28), is_pending=True, email="x@y.id")
    evidence = evaluate(REQUEST, record, TODAY)
    assert (evidence.expired, evidence.pending, evidence.email) == (True, True, "berbeda")
    assert evidence.outcome == "periksa"
    assert evidence.suggestion == (
        "Periksa: keanggotaan berakhir 28-02-2026; keanggotaan masih tertunda (pending); "
        "e-mail belum terverifikasi (berbeda dengan e-mail di SLiMS)"
    )


def test_membership_ending_today_is_not_expired() -> None:
    assert evaluate(REQUEST, replace(RECORD, expire_date=TODAY), TODAY).expired is False


def test_unknown_facts_stay_unknown_and_do_not_block() -> None:
    record = replace(RECORD, is_pending=None, inst_name=None)
    evidence = evaluate(REQUEST, record, TODAY)
    assert (evidence.expired, evidence.pending, evidence.email, evidence.programme) == (
        False,
        None,
        "sama",
        "tidak_diketahui",
    )
    assert evidence.outcome == "cocok"


def test_an_email_slims_does_not_hold_is_never_cocok() -> None:
    evidence = evaluate(REQUEST, replace(RECORD, email=None), TODAY)
    assert evidence.email == "tidak_diketahui" and not evidence.contact_verified
    assert evidence.outcome == "periksa"
    assert evidence.suggestion == (
        "Periksa: e-mail belum terverifikasi (SLiMS tidak menyimpan e-mail anggota ini)"
    )
    assert evidence.contact_advice is not None and "WhatsApp" in evidence.contact_advice


def test_no_real_expiry_is_expired_as_in_slims() -> None:
    # SLiMS' member class counts `0000-00-00` (read as None) as expired; so does the check.
    evidence = evaluate(REQUEST, replace(RECORD, expire_date=None), TODAY)
    assert evidence.expired is True and evidence.outcome == "periksa"
    assert "0000-00-00" in evidence.suggestion
    on_the_day = evaluate(REQUEST, replace(RECORD, expire_date=TODAY), TODAY)
    assert on_the_day.expired is False  # the expiry day itself is still valid


def test_another_programme_is_only_a_note() -> None:
    record = replace(RECORD, inst_name="Teknologi Laboratorium Medis")
    evidence = evaluate(REQUEST, record, TODAY)
    assert evidence.outcome == "cocok"
    assert (
        evidence.suggestion == "Cocok: data anggota dan e-mail sesuai SLiMS (program studi berbeda)"
    )


def test_a_similar_name_asks_for_a_look() -> None:
    evidence = evaluate({**REQUEST, "name": "Siti Nurhalisa"}, RECORD, TODAY)
    assert evidence.outcome == "periksa"
    assert evidence.suggestion.startswith("Periksa: nama mirip (skor 0.9")


def test_check_request_on_the_imported_list(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        unavailable = check_request(REQUEST, member_directory(), TODAY)
    assert (unavailable.known, unavailable.outcome) == (None, "periksa")
    assert unavailable.unavailable is not None and "belum diimpor" in unavailable.unavailable
    assert unavailable.suggestion.startswith("Periksa manual: Daftar anggota belum diimpor")

    path = tmp_path / "anggota.csv"
    path.write_text(
        export_text([member_row("p27820121001", "Siti Nurhaliza", expire_date="2027-01-01")])
    )
    assert runner.invoke(args=["members", "import", str(path)]).exit_code == 0
    with app.app_context():
        evidence = check_request(REQUEST, member_directory(), TODAY)
        missing = check_request({**REQUEST, "member_id": "P0"}, member_directory(), TODAY)
    assert evidence.outcome == "periksa" and evidence.record is not None
    assert evidence.record.source == "csv" and evidence.email == "tidak_diketahui"
    assert missing.outcome == "tolak"


def test_check_request_when_slims_is_down(make_app) -> None:
    app = make_app(SLIMS_DATABASE_URL="mysql+pymysql://u:p@127.0.0.1:9/slims")
    with app.app_context():
        evidence = check_request(REQUEST, member_directory(), TODAY)
    assert evidence.outcome == "periksa" and evidence.known is None
    assert evidence.unavailable == "Basis data SLiMS sedang tidak dapat dihubungi; coba lagi nanti."
