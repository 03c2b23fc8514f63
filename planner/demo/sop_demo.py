"""The demo's SOPs (modelled on the studies) and a few posts at each point of the workflow.

Prokompim Tanjungpinang: version 1 (2024, the head screens every post, no reviewer) was
retired by version 2 (2025): drafted by the account manager, checked by the Kasubbag,
approved by the Kabag, published, spread through the WhatsApp cascade and evaluated after
seven days; crisis posts take a fast track ratified by the Kabag within 24 hours.
DPPPA Sumsel: the head screens every post, and no child victim may be identifiable.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from planner.domain.content import StepKind as K
from planner.domain.organisation import Role as R
from planner.extensions import db
from planner.models import Category, Person, Post, Sop, Unit
from planner.permissions import Access
from planner.services import posts as post_service
from planner.services.sops import RouteSpec, StepSpec, activate, applicable, create_draft, government_of

DRAFT_INPUTS = ["Caption per platform", "Foto/video pendukung",
                "Unsur 5W+1H untuk konten berita", "Teks alternatif (alt text) untuk gambar",
                "Tautan ke artikel di situs resmi"]
STANDARDS_TPI = [
    ("Tidak menampilkan identitas anak korban (wajah, nama, alamat, sekolah)", K.REVIEW),
    ("Menggunakan tagar resmi #PemkoTanjungpinang", K.REVIEW),
    ("Bahasa lugas dan mudah dipahami warga", K.REVIEW),
    ("Tidak memuat informasi yang dikecualikan (UU 14/2008 tentang KIP)", K.APPROVE),
]


def _tail(publish_hours: int = 4) -> list[StepSpec]:
    return [
        StepSpec(K.PUBLISH, "Mengunggah konten sesuai jadwal dan mencatat tautan unggahan per platform",
                 R.AUTHOR, publish_hours, ["Unggahan sesuai slot jadwal", "Tautan unggahan dicatat"],
                 "Tautan unggahan per platform"),
        StepSpec(K.DISTRIBUTE, "Menyebarkan tautan melalui grup WhatsApp (kota → kecamatan → kelurahan "
                 "→ RT/RW)", R.AUTHOR, 24, ["Dibagikan ke grup WhatsApp kecamatan",
                                            "Dibagikan ke grup WhatsApp kelurahan"],
                 "Catatan distribusi"),
        StepSpec(K.EVALUATE, "Mencatat keterlibatan (jangkauan, suka, komentar, bagikan) tujuh hari "
                 "setelah unggah", R.AUTHOR, 192, ["Data insight platform diunduh"],
                 "Catatan keterlibatan"),
    ]


def _tanjungpinang_v1() -> list[RouteSpec]:
    return [RouteSpec(None, [
        StepSpec(K.DRAFT, "Menyusun draf konten liputan kegiatan pimpinan", R.AUTHOR, 24,
                 ["Caption", "Foto kegiatan"], "Draf konten"),
        StepSpec(K.APPROVE, "Kepala Bagian menyaring dan menyetujui konten", R.APPROVER, 24, [],
                 "Konten disetujui"),
        *_tail()[:1]])]


def _tanjungpinang_v2() -> list[RouteSpec]:
    return [
        RouteSpec(None, [
            StepSpec(K.DRAFT, "Menyusun draf konten dan caption per platform", R.AUTHOR, 24,
                     DRAFT_INPUTS, "Draf konten"),
            StepSpec(K.REVIEW, "Memeriksa kelengkapan, fakta dan kesesuaian konten", R.REVIEWER, 8,
                     ["Fakta dan nama pejabat sudah diperiksa"], "Draf terverifikasi"),
            StepSpec(K.APPROVE, "Menyetujui konten untuk diunggah", R.APPROVER, 8, [],
                     "Konten disetujui"),
            *_tail()]),
        RouteSpec("krisis", [
            StepSpec(K.DRAFT, "Menyusun pesan darurat singkat dan jelas", R.AUTHOR, 1,
                     ["Sumber informasi resmi (BPBD/instansi teknis)", "Nomor layanan darurat"],
                     "Draf pesan darurat"),
            StepSpec(K.REVIEW, "Memeriksa dan menyetujui pesan darurat (jalur cepat)", R.REVIEWER, 1,
                     [], "Pesan disetujui"),
            *_tail(publish_hours=1)], fast_track=True, ratify_hours=24),
    ]


def _dpppa() -> list[RouteSpec]:
    return [RouteSpec(None, [
        StepSpec(K.DRAFT, "Admin menyusun konten berdasarkan laporan kegiatan bidang", R.AUTHOR, 48,
                 ["Caption", "Desain/foto", "Laporan kegiatan dari bidang"], "Draf konten"),
        StepSpec(K.REVIEW, "Sekretaris Dinas memeriksa konten", R.REVIEWER, 24, [], "Draf terverifikasi"),
        StepSpec(K.APPROVE, "Kepala Dinas menyaring setiap unggahan", R.APPROVER, 24, [],
                 "Konten disetujui"),
        StepSpec(K.PUBLISH, "Admin mengunggah ke Instagram @dpppa.sumsel", R.AUTHOR, 8,
                 ["Tautan unggahan dicatat"], "Tautan unggahan"),
        StepSpec(K.EVALUATE, "Mencatat keterlibatan tujuh hari setelah unggah", R.AUTHOR, 192, [],
                 "Catatan keterlibatan")])]


def _unit(name: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def _person(email: str) -> Person:
    return db.session.scalar(select(Person).where(Person.email == email))


def _sop(unit: Unit, versions: list[tuple[dict, list[RouteSpec], list]]) -> None:
    if db.session.scalar(select(Sop).where(Sop.unit_id == unit.id)) is not None:
        return
    for identity, routes, standards in versions:
        version = create_draft(None, None, unit, identity=identity, routes=routes, standards=standards)
        activate(None, None, version, version.version)


def seed_sops() -> None:
    prokompim = _unit("Bagian Protokol dan Komunikasi Pimpinan")
    common = {"name": "SOP Pengelolaan Media Sosial Pemerintah Kota Tanjungpinang",
              "approved_by_name": "Sekretaris Daerah Kota Tanjungpinang",
              "qualification": "Memahami Permen PANRB No. 83/2012; mampu menulis berita, memotret "
                               "dan menyunting video dasar",
              "equipment": "Kamera, drone, PC penyunting, akun resmi media sosial",
              "warning": "Konten yang belum disetujui tidak boleh diunggah",
              "recording": "Seluruh tahapan tercatat di Pranata",
              "related": "SOP Peliputan Kegiatan Pimpinan"}
    _sop(prokompim, [
        ({**common, "document_number": "800/SOP-01/PROKOMPIM/2024", "effective_date": date(2024, 3, 4),
          "decree_number": "188.45/118/2024", "decree_date": date(2024, 3, 1),
          "decree_signed_by": "Wali Kota Tanjungpinang",
          "change_note": "Versi pertama: menuliskan praktik penyaringan oleh Kepala Bagian"},
         _tanjungpinang_v1(), []),
        ({**common, "document_number": "800/SOP-01/PROKOMPIM/2025", "effective_date": date(2025, 1, 2),
          "decree_number": "188.45/015/2025", "decree_date": date(2024, 12, 30),
          "decree_signed_by": "Wali Kota Tanjungpinang",
          "change_note": "Menambah verifikasi Kasubbag, jalur cepat krisis, distribusi WhatsApp, "
                         "evaluasi tujuh hari dan standar konten"},
         _tanjungpinang_v2(), STANDARDS_TPI),
    ])
    dpppa = _unit("Dinas Pemberdayaan Perempuan dan Perlindungan Anak")
    _sop(dpppa, [({
        "name": "SOP Pengelolaan Akun Instagram DPPPA Provinsi Sumatera Selatan",
        "document_number": "463/SOP-02/DPPPA/2023", "effective_date": date(2023, 2, 6),
        "approved_by_name": "Kepala Dinas DPPPA Provinsi Sumatera Selatan",
        "decree_number": "463/KPTS/DPPPA/2023", "decree_date": date(2023, 2, 1),
        "decree_signed_by": "Gubernur Sumatera Selatan"}, _dpppa(),
        [("Tidak menampilkan identitas anak korban (wajah, nama, alamat, sekolah)", K.REVIEW),
         ("Tidak menampilkan identitas perempuan korban kekerasan", K.REVIEW)])])


def _checklist(post: Post) -> set[str]:
    from planner.domain import workflow
    step = workflow.current_step(post.facts(), (post.sop_version or applicable(post.unit))
                                 .as_workflow())
    return set(step.checklist) if step else set()


def seed_posts(accounts: dict) -> None:
    """Posts of Prokompim at each point of the workflow, made through the services."""
    prokompim = _unit("Bagian Protokol dan Komunikasi Pimpinan")
    if db.session.scalar(select(Post.id).where(Post.unit_id == prokompim.id).limit(1)):
        return
    author, reviewer, approver = (_person(accounts[r]) for r in (R.AUTHOR, R.REVIEWER, R.APPROVER))
    access = {p.id: Access.load(p) for p in (author, reviewer, approver)}
    categories = {c.code: c for c in db.session.scalars(
        select(Category).where(Category.government_id == government_of(prokompim)))}

    def new(title, code, body):
        return post_service.create_post(author, access[author.id], prokompim, title=title, body=body,
                                        category=categories[code])

    def act(person, fn, post, **kwargs):
        return fn(person, access[person.id], post, post.version, **kwargs)

    new("Wali Kota membuka Musrenbang Kecamatan Bukit Bestari", "seremonial",
        "Liputan pembukaan Musrenbang: sambutan Wali Kota, prioritas usulan warga.")
    waiting_review = new("Jadwal pelayanan KTP elektronik keliling bulan ini", "layanan-publik",
                         "Lokasi dan jam layanan perekaman KTP-el keliling di empat kecamatan.")
    act(author, post_service.submit, waiting_review, ticked=_checklist(waiting_review))
    waiting_approval = new("Jajak pendapat: lokasi taman baca berikutnya", "interaktif",
                           "Ajak warga memilih lokasi taman baca lewat polling Instagram Story.")
    act(author, post_service.submit, waiting_approval, ticked=_checklist(waiting_approval))
    act(reviewer, post_service.approve, waiting_approval, ticked=_checklist(waiting_approval))
    returned = new("Sosialisasi Perwako retribusi parkir tepi jalan", "edukasi",
                   "Penjelasan tarif baru dan cara pembayaran non-tunai.")
    act(author, post_service.submit, returned, ticked=_checklist(returned))
    act(reviewer, post_service.return_to_author, returned,
        reason="Tarif pada infografis belum sesuai lampiran Perwako; mohon dicek ulang.")
    published = new("Wali Kota menerima kunjungan kerja DPRD Provinsi Kepri", "seremonial",
                    "Liputan kunjungan kerja di ruang rapat Wali Kota.")
    act(author, post_service.submit, published, ticked=_checklist(published))
    act(reviewer, post_service.approve, published, ticked=_checklist(published))
    act(approver, post_service.approve, published, ticked=_checklist(published))
    act(author, post_service.publish, published, ticked=_checklist(published),
        urls={"instagram": "https://www.instagram.com/p/DEMOtpi001/",
              "facebook": "https://www.facebook.com/pemkotanjungpinang/posts/1001"})
    post_service.add_comment(approver, access[approver.id], published,
                             "Terima kasih, foto utamanya sudah tepat.")
