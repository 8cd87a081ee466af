"""The member check of SOP step 2: the evidence the librarian sees for one account request.

`evaluate` compares a request with what the member database holds (a pure function);
`check_request` looks the member up first and turns an unavailable directory into evidence
that says so. Neither decides: the outcome is a suggestion (`cocok` / `periksa` / `tolak`) with
one line in Indonesian, and the librarian approves or rejects.

Names are compared after normalising: compatibility decomposition with accents dropped, case
folded, academic titles and degrees ("dr.", "Ns.", "S.Kep", "A.Md.Keb", "M.Kes"...) and
punctuation removed. Equal token sets are `sama`; a close spelling (difflib ratio >= 0.85), the
same letters spaced differently, or one name containing the other (two tokens or more) are
`mirip`; anything else `berbeda`.

The contact: the activation link goes to the request's e-mail, so whoever reads that mailbox
gets the account. The contact is *verified* only when the request's e-mail is the one SLiMS
holds for the member; otherwise the evidence never says `cocok`: it says what is unverified
(SLiMS holds no e-mail, or another one; the phone compared likewise, as a hint) and how the
librarian's guide verifies it (`CONTACT_ADVICE`), and approval then needs the way the contact
was verified (`review.CONTACT_METHODS`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any, Literal

from ..slims.circulation import membership_expired
from ..slims.directory import DirectoryUnavailable, MemberDirectory, MemberRecord

NameVerdict = Literal["sama", "mirip", "berbeda"]
EmailVerdict = Literal["sama", "berbeda", "tidak_diketahui"]
PhoneVerdict = Literal["sama", "berbeda", "tidak_diketahui"]
ProgrammeVerdict = Literal["mirip", "berbeda", "tidak_diketahui"]
Outcome = Literal["cocok", "periksa", "tolak"]

SIMILAR_NAME_RATIO = 0.85
SIMILAR_PROGRAMME_RATIO = 0.6

# Titles and degrees written before or after Indonesian names, compared without dots/spaces.
TITLES = frozenset(
    {
        # titles
        "dr", "drg", "prof", "ir", "hj", "ns", "apt", "bdn", "drs", "dra",
        # diplomas (Ahli Madya)
        "amd", "amdkeb", "amdkep", "amdgz", "amdfarm", "amdak", "amdtlm", "amdrad", "amdkes",
        "amdkl", "amdrmik", "amdpk", "amdft", "amdkg", "amdtem",
        # bachelors and applied bachelors
        "skep", "skeb", "sst", "str", "strkeb", "strkep", "strkes", "strgz", "skm", "sgz",
        "sfarm", "ssi", "spd", "skom", "se", "sh", "ssos", "spsi", "sked", "skg", "sag",
        "sip", "sikom", "sik", "sft", "stp", "st", "shum",
        # masters, doctors, specialists
        "mkes", "mkep", "mkeb", "mkm", "mgz", "mfarm", "msi", "mpd", "mkom", "mm", "mh",
        "mt", "mph", "msc", "phd", "mtrkeb", "mtrkep", "spa", "spog", "sppd", "spkj",
        "spkep", "spkepmat", "spkepan", "spkom", "spmat", "mars", "mbiomed", "mbiotech",
    }
)  # fmt: skip
CONTACT_ADVICE = (
    "Tautan aktivasi dikirim ke e-mail permintaan ini; pastikan e-mail itu milik anggota: "
    "catat e-mail itu di data anggota SLiMS bila anggota datang sendiri, atau minta anggota "
    "mengonfirmasi langsung di meja layanan atau lewat WhatsApp ke nomor telepon di SLiMS "
    "sambil menunjukkan kartu mahasiswa/kartu anggota. Tanpa itu, jangan setujui."
)
NOT_DIGIT = re.compile(r"\D+")
TOKEN_SPLIT = re.compile(r"[\s,;/]+")
NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class NameComparison:
    verdict: NameVerdict
    score: float  # 0..1, difflib ratio of the normalised names (1.0 when `sama`)


@dataclass(frozen=True)
class MemberEvidence:
    """What the member database says about one request; `suggestion` is one Indonesian line.

    `record` is None when the number is unknown or the database could not answer
    (`unavailable` then holds the reason). `expired`/`pending` are None when not known.
    """

    member_id: str
    known: bool | None
    record: MemberRecord | None
    name: NameComparison | None
    expired: bool | None
    pending: bool | None
    email: EmailVerdict
    programme: ProgrammeVerdict
    outcome: Outcome
    findings: tuple[str, ...]
    suggestion: str
    unavailable: str | None = None
    phone: PhoneVerdict = "tidak_diketahui"

    @property
    def contact_verified(self) -> bool:
        """The request's e-mail is the one SLiMS holds for the member."""
        return self.email == "sama"

    @property
    def contact_advice(self) -> str | None:
        """How to verify the contact (Indonesian), or None when it is verified."""
        return None if self.contact_verified else CONTACT_ADVICE


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_tokens(name: str) -> list[str]:
    """The words of a name: accents, case, titles/degrees and punctuation removed."""
    tokens = []
    for raw in TOKEN_SPLIT.split(strip_accents(name).casefold()):
        word = NOT_WORD.sub("", raw).replace("_", "")
        if word and word not in TITLES:
            tokens.append(word)
    return tokens


def similarity(ours: Iterable[str], theirs: Iterable[str]) -> float:
    """difflib's ratio of the two word lists, each sorted (word order does not count)."""
    return SequenceMatcher(None, " ".join(sorted(ours)), " ".join(sorted(theirs))).ratio()


def compare_names(requested: str, recorded: str) -> NameComparison:
    """`sama`, `mirip` or `berbeda`, with the similarity score (see the module's rule)."""
    ours, theirs = name_tokens(requested), name_tokens(recorded)
    if not ours or not theirs:
        return NameComparison("berbeda", 0.0)
    if set(ours) == set(theirs):
        return NameComparison("sama", 1.0)
    score = round(similarity(ours, theirs), 2)
    smaller, larger = sorted((set(ours), set(theirs)), key=len)
    similar = (
        score >= SIMILAR_NAME_RATIO
        or "".join(ours) == "".join(theirs)
        or (len(smaller) >= 2 and smaller <= larger)
    )
    return NameComparison("mirip" if similar else "berbeda", score)


def compare_emails(requested: str | None, recorded: str | None) -> EmailVerdict:
    if not requested or not recorded:
        return "tidak_diketahui"
    same = requested.strip().casefold() == recorded.strip().casefold()
    return "sama" if same else "berbeda"


def phone_digits(value: str | None) -> str:
    """A phone number's digits, the country code 62 written as the trunk prefix 0."""
    digits = NOT_DIGIT.sub("", value or "")
    return "0" + digits[2:] if digits.startswith("62") else digits


def compare_phones(requested: str | None, recorded: str | None) -> PhoneVerdict:
    ours, theirs = phone_digits(requested), phone_digits(recorded)
    if not ours or not theirs:
        return "tidak_diketahui"
    return "sama" if ours == theirs else "berbeda"


def contact_findings(email: EmailVerdict, phone: PhoneVerdict) -> list[str]:
    """What is unverified about the request's contact (empty when its e-mail is SLiMS')."""
    if email == "sama":
        return []
    where = (
        "SLiMS tidak menyimpan e-mail anggota ini"
        if email == "tidak_diketahui"
        else "berbeda dengan e-mail di SLiMS"
    )
    findings = [f"e-mail belum terverifikasi ({where})"]
    if phone == "sama":
        findings.append("telepon sama dengan di SLiMS (konfirmasi lewat nomor itu)")
    elif phone == "berbeda":
        findings.append("telepon berbeda dengan di SLiMS")
    return findings


def compare_programme(requested: str | None, inst_name: str | None) -> ProgrammeVerdict:
    """Study programme vs SLiMS' `inst_name`: alike when they share a word or read alike."""
    ours = {token for token in name_tokens(requested or "") if len(token) >= 4}
    theirs = {token for token in name_tokens(inst_name or "") if len(token) >= 4}
    if not ours or not theirs:
        return "tidak_diketahui"
    alike = ours & theirs or similarity(ours, theirs) >= SIMILAR_PROGRAMME_RATIO
    return "mirip" if alike else "berbeda"


def request_value(request: Mapping[str, Any], key: str) -> str | None:
    value = request.get(key)
    return str(value) if value else None


def without_record(
    member_id: str,
    *,
    known: bool | None,
    outcome: Outcome,
    finding: str,
    suggestion: str,
    unavailable: str | None = None,
) -> MemberEvidence:
    """Evidence with no member record to compare against: unknown number or no directory."""
    return MemberEvidence(
        member_id=member_id,
        known=known,
        record=None,
        name=None,
        expired=None,
        pending=None,
        email="tidak_diketahui",
        programme="tidak_diketahui",
        outcome=outcome,
        findings=(finding,),
        suggestion=suggestion,
        unavailable=unavailable,
    )


def expiry_evidence(record: MemberRecord, today: date) -> tuple[bool, str | None]:
    """Whether the membership has expired, by SLiMS' rule (`slims_circulation`: an expiry
    before today, or none that is a real date such as `0000-00-00`), and the finding to show."""
    if not membership_expired(record.expire_date, today):
        return False, None
    if record.expire_date is None:
        return True, "keanggotaan berakhir (tanggal berakhir kosong atau 0000-00-00 di SLiMS)"
    return True, f"keanggotaan berakhir {record.expire_date:%d-%m-%Y}"


def evaluate(
    request: Mapping[str, Any], record: MemberRecord | None, today: date
) -> MemberEvidence:
    """The evidence for `request` (an account_requests row) given the member found (or None)."""
    member_id = str(request["member_id"])
    if record is None:
        return without_record(
            member_id,
            known=False,
            outcome="tolak",
            finding="nomor anggota tidak ditemukan",
            suggestion="Tolak: bukan anggota (nomor anggota tidak ditemukan)",
        )
    name = compare_names(str(request.get("name") or ""), record.name)
    expired, expiry_finding = expiry_evidence(record, today)
    email = compare_emails(request_value(request, "email"), record.email)
    programme = compare_programme(request_value(request, "programme"), record.inst_name)
    findings: list[str] = []
    if name.verdict != "sama":
        findings.append(f"nama {name.verdict} (skor {name.score:.2f})")
    if expiry_finding:
        findings.append(expiry_finding)
    if record.is_pending:
        findings.append("keanggotaan masih tertunda (pending)")
    phone = compare_phones(request_value(request, "phone"), record.phone)
    findings += contact_findings(email, phone)
    notes = [] if programme != "berbeda" else ["program studi berbeda"]
    outcome: Outcome = "periksa" if findings else "cocok"
    suggestion = (
        "Periksa: " + "; ".join(findings + notes)
        if findings
        else "Cocok: data anggota dan e-mail sesuai SLiMS" + ("" if not notes else f" ({notes[0]})")
    )
    return MemberEvidence(
        member_id=member_id,
        known=True,
        record=record,
        name=name,
        expired=expired,
        pending=record.is_pending,
        email=email,
        programme=programme,
        outcome=outcome,
        findings=tuple(findings + notes),
        suggestion=suggestion,
        phone=phone,
    )


def check_request(
    request: Mapping[str, Any], directory: MemberDirectory, today: date
) -> MemberEvidence:
    """Look the request's member up and evaluate; an unavailable directory is evidence too."""
    try:
        record = directory.lookup(str(request["member_id"]))
    except DirectoryUnavailable as exc:
        return without_record(
            str(request["member_id"]),
            known=None,
            outcome="periksa",
            finding=str(exc),
            suggestion=f"Periksa manual: {exc}",
            unavailable=str(exc),
        )
    return evaluate(request, record, today)
