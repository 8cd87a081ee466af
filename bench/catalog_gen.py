"""Synthetic but realistic catalogs of any size, for the build benchmark.

The rules: the same `(count, seed, today)` always gives the same catalog; every entry is
valid for `catalog.loader.load_catalog` on `today` and still on the site (nothing has
expired); names, ids and URLs are distinct; entries vary the way a health polytechnic's
catalog does (names built from health topics, places, campuses and publishers; descriptions
of one to three sentences; optional fields at about the seed catalog's rates; every access
level and type), so page sizes and gzip ratios resemble a real site's rather than one entry
repeated. The file is written in the seed's style: block entries with flow lists, one blank
line between entries.

    .venv/bin/python -m bench.catalog_gen 1000 -o /tmp/resources.yml [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")

FIRST_ADDED = date(2018, 1, 8)
MAX_ID_LENGTH = 60  # the model allows 64; leaves room for a "-NN" suffix

# id | name | description (the subjects of the seed catalog: the study programmes)
SUBJECTS_TABLE = """
umum | Umum | Sumber lintas bidang untuk semua program studi.
keperawatan | Keperawatan | Asuhan keperawatan klinis, komunitas, jiwa dan gawat darurat.
kebidanan | Kebidanan | Kesehatan ibu dan anak, persalinan, nifas dan kesehatan reproduksi.
teknologi-laboratorium-medis | Teknologi Laboratorium Medis | Hematologi, kimia klinik, bank darah.
kesehatan-lingkungan | Kesehatan Lingkungan | Air bersih, sanitasi, limbah dan vektor penyakit.
gizi | Gizi | Gizi klinik, gizi masyarakat, dietetika dan penyelenggaraan makanan.
farmasi | Farmasi | Farmakologi, farmasi klinik, obat tradisional dan regulasi obat.
kesehatan-masyarakat | Kesehatan Masyarakat | Epidemiologi, promosi kesehatan dan kebijakan.
"""
SUBJECT_CODES = {
    "umum": "umum",
    "kep": "keperawatan",
    "keb": "kebidanan",
    "tlm": "teknologi-laboratorium-medis",
    "kesling": "kesehatan-lingkungan",
    "gizi": "gizi",
    "far": "farmasi",
    "kesmas": "kesehatan-masyarakat",
}

# Indonesian name | English name | subject codes | keywords
TOPICS_TABLE = """
Keperawatan Medikal Bedah | Medical-Surgical Nursing | kep | asuhan keperawatan, perawatan luka
Keperawatan Anak | Pediatric Nursing | kep keb | tumbuh kembang, imunisasi, anak sakit
Keperawatan Jiwa | Psychiatric Nursing | kep | kesehatan jiwa, gangguan mental, terapi modalitas
Keperawatan Gawat Darurat | Emergency Nursing | kep | triase, bantuan hidup dasar, kegawatdaruratan
Keperawatan Komunitas | Community Health Nursing | kep kesmas | perawatan keluarga, puskesmas
Keperawatan Gerontik | Gerontological Nursing | kep | lansia, geriatri, perawatan jangka panjang
Keperawatan Kritis | Critical Care Nursing | kep | ICU, ventilator, pemantauan hemodinamik
Keperawatan Maternitas | Maternity Nursing | kep keb | kehamilan, persalinan, ibu nifas
Asuhan Kebidanan | Midwifery Care | keb | antenatal, persalinan normal, bayi baru lahir
Kesehatan Reproduksi | Reproductive Health | keb kesmas | keluarga berencana, kontrasepsi, remaja
Kesehatan Ibu dan Anak | Maternal and Child Health | keb kesmas | KIA, stunting, posyandu
Neonatologi | Neonatology | keb kep | bayi prematur, asfiksia, ASI eksklusif
Menyusui dan Laktasi | Breastfeeding and Lactation | keb gizi | ASI, laktasi, konseling menyusui
Hematologi | Hematology | tlm | darah lengkap, hemostasis, anemia
Kimia Klinik | Clinical Chemistry | tlm | glukosa darah, fungsi hati, fungsi ginjal
Mikrobiologi Klinik | Clinical Microbiology | tlm | bakteriologi, kultur, uji kepekaan antibiotik
Parasitologi | Parasitology | tlm kesling | malaria, cacing usus, mikroskopis
Imunoserologi | Immunoserology | tlm | serologi, antigen, antibodi
Bank Darah | Blood Banking | tlm | transfusi, golongan darah, uji silang serasi
Sitohistoteknologi | Cytohistotechnology | tlm | histologi, sitologi, pewarnaan jaringan
Biologi Molekuler | Molecular Biology | tlm far | PCR, DNA, genetika
Sanitasi Lingkungan | Environmental Sanitation | kesling | jamban sehat, air bersih, higiene
Pengelolaan Limbah | Waste Management | kesling | limbah medis, limbah B3, daur ulang
Kesehatan dan Keselamatan Kerja | Occupational Health and Safety | kesling kesmas | K3, ergonomi
Pengendalian Vektor | Vector Control | kesling | nyamuk, demam berdarah, tikus
Kualitas Udara | Air Quality | kesling | polusi udara, partikulat, ventilasi
Toksikologi Lingkungan | Environmental Toxicology | kesling far | pestisida, logam berat
Gizi Klinik | Clinical Nutrition | gizi | terapi diet, asuhan gizi, malnutrisi rumah sakit
Gizi Masyarakat | Public Health Nutrition | gizi kesmas | stunting, gizi buruk, survei konsumsi
Dietetika | Dietetics | gizi | diet diabetes, diet rendah garam, perencanaan menu
Ilmu Pangan | Food Science | gizi kesling | keamanan pangan, komposisi pangan, pengolahan
Penyelenggaraan Makanan | Food Service Management | gizi | institusi, menu, higiene makanan
Farmakologi | Pharmacology | far kep | obat, dosis, interaksi obat
Farmasi Klinik | Clinical Pharmacy | far | pelayanan kefarmasian, rekonsiliasi obat, konseling
Obat Tradisional | Herbal Medicine | far | jamu, fitofarmaka, tanaman obat
Teknologi Farmasi | Pharmaceutical Technology | far | formulasi, sediaan, stabilitas obat
Kimia Farmasi | Pharmaceutical Chemistry | far tlm | analisis obat, kromatografi, spektrofotometri
Epidemiologi | Epidemiology | kesmas | surveilans, wabah, studi kohort
Promosi Kesehatan | Health Promotion | kesmas | perilaku sehat, komunikasi kesehatan, penyuluhan
Kebijakan Kesehatan | Health Policy | kesmas | JKN, sistem kesehatan, pembiayaan
Biostatistik | Biostatistics | kesmas umum | statistik, analisis data, SPSS
Penyakit Tropis | Tropical Medicine | kesmas tlm | tuberkulosis, malaria, demam berdarah
Penyakit Tidak Menular | Noncommunicable Diseases | kesmas kep | hipertensi, diabetes, kanker
Kesehatan Global | Global Health | kesmas umum | SDGs, kesehatan dunia, pandemi
Metodologi Penelitian | Research Methodology | umum | metode penelitian, kuesioner, sitasi
Anatomi dan Fisiologi | Anatomy and Physiology | umum kep keb | tubuh manusia, sistem organ
Etika dan Hukum Kesehatan | Health Ethics and Law | umum | etika profesi, informed consent
Rekam Medis | Health Information Management | kesmas umum | rekam medis elektronik, koding ICD
Ilmu Kedokteran Dasar | Basic Medical Sciences | umum | biokimia, histologi, patologi
Psikologi Kesehatan | Health Psychology | umum kep | stres, perilaku, konseling
"""

PLACES = """
Aceh, Medan, Padang, Riau, Jambi, Palembang, Bengkulu, Lampung, Pangkalpinang, Tanjungpinang,
Jakarta, Banten, Bandung, Tasikmalaya, Semarang, Surakarta, Yogyakarta, Surabaya, Malang,
Denpasar, Mataram, Kupang, Pontianak, Palangka Raya, Banjarmasin, Samarinda, Manado, Gorontalo,
Palu, Makassar, Kendari, Mamuju, Ambon, Ternate, Jayapura, Sorong
"""
CAMPUSES = """
Poltekkes Kemenkes, Universitas Negeri, STIKes Muhammadiyah, Universitas Islam,
Akademi Keperawatan, STIKes Bhakti Husada, Institut Kesehatan, Universitas Kristen
"""
# publisher | host
PUBLISHERS_TABLE = """
Elsevier | elsevier.com
Wiley | wiley.com
Springer Nature | springer.com
Thieme | thieme.com
Wolters Kluwer | lww.com
SAGE | sagepub.com
Taylor & Francis | tandfonline.com
Oxford University Press | oup.com
Cambridge University Press | cambridge.org
McGraw Hill | mheducation.com
Karger | karger.com
De Gruyter | degruyter.com
Jaypee Brothers | jaypee.com
BMJ Publishing | bmj.com
EGC | egc.co.id
Salemba Medika | salemba.co.id
Deepublish | deepublish.co.id
Rajawali Pers | rajagrafindo.co.id
Penerbit Andi | andipublisher.com
Kencana | prenadamedia.com
Penerbit BRIN | penerbit.brin.go.id
Airlangga University Press | unair.ac.id
UGM Press | ugmpress.ugm.ac.id
"""
# agency | host | short name
AGENCIES_TABLE = """
Kementerian Kesehatan RI | kemkes.go.id | Kemenkes
Badan POM | pom.go.id | BPOM
Badan Pusat Statistik | bps.go.id | BPS
Badan Kependudukan dan Keluarga Berencana Nasional | bkkbn.go.id | BKKBN
World Health Organization | who.int | WHO
UNICEF | unicef.org | UNICEF
Centers for Disease Control and Prevention | cdc.gov | CDC
National Library of Medicine | nlm.nih.gov | NLM
Cochrane | cochrane.org | Cochrane
EBSCO | ebsco.com | EBSCO
ProQuest | proquest.com | ProQuest
Ovid Technologies | ovid.com | Ovid
Gale | gale.com | Gale
Clarivate | clarivate.com | Clarivate
Persatuan Perawat Nasional Indonesia | ppni-inna.org | PPNI
Ikatan Bidan Indonesia | ibi.or.id | IBI
Persatuan Ahli Gizi Indonesia | persagi.org | Persagi
Ikatan Apoteker Indonesia | iai.id | IAI
"""

# {tid}/{ten}: the topic in Indonesian/English; {agency}: an agency's short name.
NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "journal": (
        "Jurnal {tid}",
        "Jurnal {tid} {place}",
        "Jurnal Ilmiah {tid}",
        "Media {tid} Indonesia",
        "Indonesian Journal of {ten}",
        "International Journal of {ten}",
        "{place} Journal of {ten}",
        "Jurnal {tid} {campus} {place}",
        "Asian Journal of {ten}",
        "{ten} Research and Practice",
        "Berkala {tid}",
        "Journal of {ten} Studies",
    ),
    "ebook": (
        "Koleksi E-book {tid} {publisher}",
        "{publisher} {ten} eBooks",
        "Buku Ajar {tid}",
        "{ten} Textbook Collection",
        "Seri Buku {tid} {publisher}",
        "E-book {tid} Terbitan {publisher}",
        "{ten} Essentials ({publisher})",
        "Pustaka Digital {tid}",
    ),
    "database": (
        "Basis Data {tid}",
        "{agency} {ten} Database",
        "Indeks {tid} Indonesia",
        "{ten} Index",
        "{ten} Source ({agency})",
        "Data {tid} {agency}",
        "{ten} Evidence Database",
        "Sistem Informasi {tid}",
    ),
    "repository": (
        "Repositori {campus} {place}",
        "{campus} {place} Digital Repository",
        "Repositori Tugas Akhir {tid} {place}",
        "Arsip Terbuka {tid}",
        "Repositori Karya Ilmiah {campus} {place}",
        "Open Archive of {ten}",
    ),
    "reference": (
        "Atlas {tid}",
        "Kamus {tid}",
        "{ten} Reference Online",
        "Ensiklopedia {tid}",
        "{publisher} {ten} Handbook",
        "Ringkasan {tid}",
        "{ten} Point-of-Care Guide",
        "Panduan Saku {tid}",
    ),
    "guideline": (
        "Pedoman Nasional {tid}",
        "Panduan Praktik Klinis {tid}",
        "{agency} Guidelines on {ten}",
        "Standar Pelayanan {tid}",
        "Petunjuk Teknis {tid}",
        "Modul Pelatihan {tid} {agency}",
    ),
    "multimedia": (
        "Video Pembelajaran {tid}",
        "{ten} Simulation Lab",
        "Podcast {tid}",
        "Galeri Gambar {tid}",
        "{publisher} {ten} Video Collection",
        "Kuliah Daring {tid} {place}",
        "Animasi {tid}",
    ),
}
# The first sentence of a description, by type; {t} is the topic in lower case.
OPENINGS: dict[str, tuple[str, ...]] = {
    "journal": (
        "Jurnal bertelaah sejawat yang memuat hasil penelitian dan tinjauan pustaka bidang {t}",
        "Terbitan berkala ilmiah tentang {t}, berisi artikel penelitian, laporan kasus dan"
        " tinjauan sistematis",
        "Jurnal akses terbuka yang menerbitkan naskah penelitian {t} dari dosen dan mahasiswa",
    ),
    "ebook": (
        "Koleksi buku elektronik {t} untuk perkuliahan dan praktik klinik",
        "Buku teks dan buku rujukan {t} yang dapat dibaca daring atau diunduh per bab",
        "Kumpulan e-book {t} berbahasa Indonesia dan Inggris, termasuk edisi terbaru",
    ),
    "database": (
        "Basis data bibliografis {t} dengan abstrak dan tautan ke teks lengkap",
        "Pangkalan data {t} yang dapat ditelusuri menurut kata kunci, penulis dan tahun",
        "Indeks artikel dan data {t} dari ribuan sumber nasional dan internasional",
    ),
    "repository": (
        "Repositori institusi yang menyimpan skripsi, tugas akhir dan artikel dosen bidang {t}",
        "Arsip digital karya ilmiah {t} yang dapat diunduh tanpa login",
        "Kumpulan laporan penelitian dan karya tulis ilmiah {t} dalam format PDF",
    ),
    "reference": (
        "Rujukan cepat {t} berisi definisi, gambar dan ringkasan bukti",
        "Sumber rujukan {t} untuk menjawab pertanyaan klinis di tempat praktik",
        "Kumpulan entri ringkas tentang {t}, lengkap dengan ilustrasi dan daftar pustaka",
    ),
    "guideline": (
        "Pedoman resmi {t} yang menjadi acuan pelayanan di fasilitas kesehatan",
        "Kumpulan panduan praktik dan standar prosedur operasional {t}",
        "Rekomendasi berbasis bukti tentang {t} untuk tenaga kesehatan",
    ),
    "multimedia": (
        "Video, animasi dan simulasi {t} untuk belajar mandiri",
        "Materi audio-visual {t} yang melengkapi praktikum di laboratorium",
        "Rekaman kuliah dan demonstrasi prosedur {t} oleh dosen dan praktisi",
    ),
}
CLOSINGS = (
    "Cocok untuk mahasiswa yang menyusun proposal atau tugas akhir.",
    "Tersedia sejak {year} dan diperbarui secara berkala.",
    "Sebagian besar isinya berbahasa {language}.",
    "Dapat ditelusuri menurut subjek, penulis atau tahun terbit.",
    "Banyak dipakai dosen untuk bahan ajar dan rencana pembelajaran semester.",
    "Mendukung ekspor sitasi ke Mendeley dan Zotero.",
    "Teks lengkap dapat diunduh dalam format PDF.",
    "Dilengkapi kuis dan studi kasus untuk latihan.",
    "Memuat data terbaru dari {provider}.",
    "Pilih menu pencarian lanjutan untuk menyaring menurut tahun dan jenis dokumen.",
)
HOW_TO_ACCESS: dict[str, tuple[str, ...]] = {
    "free": (
        "Terbuka untuk umum; beberapa artikel meminta pendaftaran akun gratis di situs penyedia.",
        "Langsung dapat dibuka tanpa login dari mana saja.",
    ),
    "paid": (
        "Buka dari jaringan Wi-Fi atau komputer kampus. Dari luar kampus, gunakan tautan proxy.",
        "Akses lewat jaringan kampus; untuk akses dari rumah hubungi pustakawan.",
        "Masuk dengan alamat e-mail kampus pada halaman login penyedia, lalu pilih institusi.",
        "Dilanggan bersama konsorsium perpustakaan kesehatan; gunakan komputer perpustakaan.",
    ),
    "members": (
        "Perlu akun portal yang sudah diaktifkan. Ajukan akun di halaman Daftar akun.",
        "Masuk ke portal dengan akun anggota, lalu buka tautan sumber ini.",
        "Khusus anggota aktif; pinjaman e-book berlaku 7 hari.",
    ),
}
NOTICES = (
    "Sedang dalam pemeliharaan; akses mungkin terputus sementara.",
    "Alamat situs penyedia berubah; tautan sudah diperbarui.",
    "Akses dari luar kampus sedang gangguan; gunakan jaringan kampus.",
)
LANGUAGE_NAMES = {"id": "Indonesia", "en": "Inggris"}

# (value, weight): rates close to the seed catalog's, with more paid and members entries.
LANGUAGE_SETS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("id",), 40),
    (("en",), 34),
    (("id", "en"), 22),
    (("en", "ar"), 1),
    (("ms", "en"), 1),
    (("en", "zh"), 1),
    (("id", "jv"), 1),
)
TYPES: tuple[tuple[str, int], ...] = (
    ("journal", 28),
    ("database", 22),
    ("ebook", 18),
    ("reference", 10),
    ("repository", 10),
    ("guideline", 7),
    ("multimedia", 5),
)
ACCESS_LEVELS: tuple[tuple[str, int], ...] = (("free", 62), ("paid", 28), ("members", 10))
EXTRA_SUBJECTS: tuple[tuple[int, int], ...] = ((0, 45), (1, 25), (2, 15), (3, 10), (7, 5))
ALT_NAME_RATE = 0.65
FEATURED_RATE = 0.06
TRIAL_RATE = 0.08  # of paid and members entries
UNTIL_RATE = 0.02  # a subscription end date on a non-trial entry
HOW_TO_ACCESS_RATE = {"free": 0.1, "paid": 0.7, "members": 0.8}
NOTICE_RATE = 0.02
HTTP_RATE = 0.03  # old sites without https


@dataclass(frozen=True)
class Topic:
    """A field of study: its Indonesian and English names, subjects and search words."""

    name_id: str
    name_en: str
    subjects: tuple[str, ...]
    keywords: tuple[str, ...]


def _rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


SUBJECTS = [tuple(row) for row in _rows(SUBJECTS_TABLE)]
TOPICS = tuple(
    Topic(
        name_id,
        name_en,
        tuple(SUBJECT_CODES[code] for code in codes.split()),
        _words(keywords),
    )
    for name_id, name_en, codes, keywords in _rows(TOPICS_TABLE)
)
PUBLISHERS = [tuple(row) for row in _rows(PUBLISHERS_TABLE)]
AGENCIES = [tuple(row) for row in _rows(AGENCIES_TABLE)]


class _SeedStyleDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block mappings with flow lists (`subjects: [umum, gizi]`), as the seed is written."""


def _flow_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_SeedStyleDumper.add_representer(list, _flow_list)


def slugify(text: str) -> str:
    """Lower-case a-z/0-9 words joined by '-', cut to MAX_ID_LENGTH at a word boundary."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        slug = slug[:MAX_ID_LENGTH].rsplit("-", 1)[0]
    return slug


def acronym(name: str) -> str:
    """The capitals of a name's words, as libraries abbreviate titles (JKI, IJCN)."""
    return "".join(word[0] for word in re.findall(r"[A-Za-z]+", name) if word[0].isupper())


class _Generator:
    """Makes entries one by one, keeping names, ids and URLs distinct."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.places = _words(PLACES)
        self.campuses = _words(CAMPUSES)
        self.names: set[str] = set()
        self.ids: set[str] = set()
        self.urls: set[str] = set()

    def _pick(self, choices: Sequence[tuple[T, int]]) -> T:
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights)[0]

    def entry(self) -> dict[str, Any]:
        rng = self.rng
        kind = self._pick(TYPES)
        access = self._pick(ACCESS_LEVELS)
        topic = rng.choice(TOPICS)
        parts = {
            "tid": topic.name_id,
            "ten": topic.name_en,
            "place": rng.choice(self.places),
            "campus": rng.choice(self.campuses),
        }
        publisher, publisher_host = rng.choice(PUBLISHERS)
        agency, agency_host, agency_short = rng.choice(AGENCIES)
        name = self._name(kind, parts | {"publisher": publisher, "agency": agency_short})
        resource_id = self._id(name)
        if kind in ("journal", "repository"):
            provider = f"{parts['campus']} {parts['place']}"
        elif kind in ("database", "guideline"):
            provider = agency
        else:
            provider = publisher
        languages = list(self._pick(LANGUAGE_SETS))
        added = FIRST_ADDED + timedelta(days=rng.randrange((self.today - FIRST_ADDED).days))

        entry: dict[str, Any] = {
            "id": resource_id,
            "name": name,
            "url": self._url(kind, resource_id, parts["place"], publisher_host, agency_host),
            "access": access,
            "type": kind,
            "subjects": self._subjects(topic),
            "description": self._description(kind, topic, added, languages[0], provider),
            "added": added,
            "provider": provider,
            "languages": languages,
        }
        if rng.random() < ALT_NAME_RATE:
            entry["alt_names"] = self._alt_names(name, topic)
        entry["keywords"] = rng.sample(topic.keywords, rng.randint(1, len(topic.keywords)))
        if rng.random() < FEATURED_RATE:
            entry["featured"] = True
        if access != "free" and rng.random() < TRIAL_RATE:
            entry["trial"] = True
            entry["available_until"] = self.today + timedelta(days=rng.randint(30, 400))
        elif rng.random() < UNTIL_RATE:
            entry["available_until"] = self.today + timedelta(days=rng.randint(200, 1500))
        if rng.random() < HOW_TO_ACCESS_RATE[access]:
            entry["how_to_access"] = rng.choice(HOW_TO_ACCESS[access])
        if rng.random() < NOTICE_RATE:
            entry["notice"] = rng.choice(NOTICES)
        return entry

    def _name(self, kind: str, parts: dict[str, str]) -> str:
        """A name not used yet; a crowded topic gets a place, then an edition, added."""
        for attempt in range(40):
            name = self.rng.choice(NAME_PATTERNS[kind]).format(**parts)
            if attempt >= 20:
                name = f"{name} {self.rng.choice(self.places)}"
            if attempt >= 30:
                name = f"{name} Edisi {attempt}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError(f"no free name left for a {kind} on {parts['tid']}")

    def _id(self, name: str) -> str:
        base = slugify(name)
        resource_id, number = base, 1
        while resource_id in self.ids:
            number += 1
            resource_id = f"{base}-{number}"
        self.ids.add(resource_id)
        return resource_id

    def _url(self, kind: str, resource_id: str, place: str, publisher: str, agency: str) -> str:
        scheme = "http" if self.rng.random() < HTTP_RATE else "https"
        if kind == "journal":
            town = slugify(place).replace("-", "")
            url = f"{scheme}://ejournal.poltekkes-{town}.ac.id/index.php/{resource_id}"
        elif kind == "repository":
            url = f"{scheme}://repository.{resource_id}.ac.id/"
        elif kind in ("database", "guideline"):
            url = f"{scheme}://{agency}/{kind}s/{resource_id}/"
        else:
            url = f"{scheme}://{publisher}/collections/{resource_id}"
        self.urls.add(url)  # distinct: every URL holds its distinct id
        return url

    def _subjects(self, topic: Topic) -> list[str]:
        chosen = list(topic.subjects)
        others = [row[0] for row in SUBJECTS if row[0] not in chosen]
        extra = self._pick(EXTRA_SUBJECTS)
        return chosen + self.rng.sample(others, min(extra, len(others)))

    def _description(
        self, kind: str, topic: Topic, added: date, language: str, provider: str
    ) -> str:
        rng = self.rng
        opening = rng.choice(OPENINGS[kind]).format(t=topic.name_id.lower())
        closings = rng.sample(CLOSINGS, rng.choices((0, 1, 2), (25, 55, 20))[0])
        values = {
            "year": added.year,
            "language": LANGUAGE_NAMES.get(language, "Inggris"),
            "provider": provider,
        }
        return " ".join([f"{opening}.", *(closing.format(**values) for closing in closings)])

    def _alt_names(self, name: str, topic: Topic) -> list[str]:
        short = acronym(name)
        roll = self.rng.random()
        if roll < 0.55 and len(short) >= 3:
            return [short]
        if roll < 0.85:
            return [topic.name_en if topic.name_id in name else topic.name_id]
        return [short or topic.name_en, f"{topic.name_en} Online"]


def generate_catalog(count: int, *, seed: int = 0, today: date | None = None) -> dict[str, Any]:
    """A catalog of `count` distinct resources, as plain values (`subjects`, `resources`)."""
    generator = _Generator(seed, today or date.today())
    subjects = [
        {"id": subject_id, "name": name, "description": description}
        for subject_id, name, description in SUBJECTS
    ]
    return {"subjects": subjects, "resources": [generator.entry() for _ in range(count)]}


def render_catalog(data: dict[str, Any]) -> str:
    """The catalog as YAML in the seed's style: block entries with flow lists, a blank line
    between entries."""
    parts = ["# A synthetic catalog written by bench/catalog_gen.py.\n"]
    for section in ("subjects", "resources"):
        entries = []
        for entry in data[section]:
            text = yaml.dump(
                entry,
                Dumper=_SeedStyleDumper,
                allow_unicode=True,
                sort_keys=False,
                default_flow_style=False,
                width=10_000,
            )
            first, *rest = text.splitlines()
            entries.append("".join([f"  - {first}\n", *(f"    {line}\n" for line in rest)]))
        parts.append(f"\n{section}:\n" + "\n".join(entries))
    return "".join(parts)


def write_catalog(
    path: str | Path, count: int, *, seed: int = 0, today: date | None = None
) -> Path:
    """Write a generated catalog of `count` resources to `path`; returns the path."""
    path = Path(path)
    catalog = generate_catalog(count, seed=seed, today=today)
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic resources.yml.")
    parser.add_argument("count", type=int, help="number of resources")
    parser.add_argument("-o", "--output", default="resources.generated.yml", help="output file")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    path = write_catalog(args.output, args.count, seed=args.seed)
    print(f"{path}: {args.count} resources, {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
