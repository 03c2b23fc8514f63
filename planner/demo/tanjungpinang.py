"""The demo government, modelled on the studies: Pemerintah Kota Tanjungpinang
(Setda, Bagian Prokompim, Subbagian Dokumentasi, Diskominfo, Dinas Kesehatan,
Inspektorat) and the South Sumatra DPPPA with its decree-based team."""
from __future__ import annotations

from datetime import date, timedelta

from planner.demo.builder import DemoBuilder
from planner.domain.organisation import DelegationKind, Role, UnitType

DEMO_PASSWORD = "pranata-demo"
DEMO_DOMAIN = "demo.pranata.test"
DEMO_ACCOUNTS = {role: f"{role.value}@{DEMO_DOMAIN}" for role in Role}

WALIKOTA = "Wali Kota Tanjungpinang"
GUBERNUR = "Gubernur Sumatera Selatan"
SK_TEAM_2024 = ("188.45/112/2024 tentang Tim Pengelola Media Sosial Pemerintah Kota Tanjungpinang",
                date(2024, 3, 1), WALIKOTA)
SK_KABAG_2021 = ("821.2/015/BKPSDM/2021", date(2021, 1, 4), WALIKOTA)
SK_KABAG_2024 = ("821.2/044/BKPSDM/2024", date(2024, 2, 26), WALIKOTA)
SK_SYSADMIN = ("188.45/079/DISKOMINFO/2024", date(2024, 1, 15), WALIKOTA)
SK_INSPEKTORAT = ("700/021/INSP/2024", date(2024, 1, 10), "Inspektur Daerah Kota Tanjungpinang")
SK_DINKES = ("188.45/205/DINKES/2025", date(2025, 1, 6), "Kepala Dinas Kesehatan Kota Tanjungpinang")
SK_DPPPA = ("463/KPTS/DPPPA/2023 tentang Tim Pengelola Akun Instagram DPPPA Provinsi Sumatera Selatan",
            date(2023, 2, 1), GUBERNUR)


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def seed(today: date) -> dict:
    """Load the demo; returns what it created and the demo accounts."""
    b = DemoBuilder(DEMO_PASSWORD)

    # --- Pemerintah Kota Tanjungpinang -------------------------------------------
    kota = b.unit("Pemerintah Kota Tanjungpinang", UnitType.GOVERNMENT, short_name="Pemko Tanjungpinang")
    setda = b.unit("Sekretariat Daerah", UnitType.SECRETARIAT, kota, "Setda")
    prokompim = b.unit("Bagian Protokol dan Komunikasi Pimpinan", UnitType.DIVISION, setda, "Prokompim")
    dokumentasi = b.unit("Subbagian Dokumentasi Pimpinan", UnitType.SUBDIVISION, prokompim,
                         "Subbag Dokumentasi")
    protokol = b.unit("Subbagian Protokol", UnitType.SUBDIVISION, prokompim, "Subbag Protokol")
    diskominfo = b.unit("Dinas Komunikasi dan Informatika", UnitType.AGENCY, kota, "Diskominfo")
    dinkes = b.unit("Dinas Kesehatan", UnitType.AGENCY, kota, "Dinkes")
    inspektorat = b.unit("Inspektorat Daerah", UnitType.AGENCY, kota, "Inspektorat")

    # The six demo accounts, one per role.
    sysadmin = b.person(DEMO_ACCOUNTS[Role.SYSADMIN], "Rahmat Hidayat, S.Kom.", diskominfo,
                        nip="198703142010011002", position_title="Pranata Komputer Ahli Muda",
                        can_sign_in=True)
    auditor = b.person(DEMO_ACCOUNTS[Role.AUDITOR], "Sri Wahyuni, S.E., M.Ak.", inspektorat,
                       nip="197911202005012006", position_title="Auditor Ahli Madya",
                       can_sign_in=True)
    approver = b.person(DEMO_ACCOUNTS[Role.APPROVER], "Drs. Hendra Saputra, M.Si.", prokompim,
                        nip="197505172000031003",
                        position_title="Kepala Bagian Protokol dan Komunikasi Pimpinan",
                        can_sign_in=True)
    reviewer = b.person(DEMO_ACCOUNTS[Role.REVIEWER], "Dewi Kartika, S.Sos.", dokumentasi,
                        nip="198408232009022004",
                        position_title="Kepala Subbagian Dokumentasi Pimpinan", can_sign_in=True)
    author = b.person(DEMO_ACCOUNTS[Role.AUTHOR], "Andi Pratama, S.I.Kom.", dokumentasi,
                      nip="199302112019031007", position_title="Pengelola Media Sosial",
                      can_sign_in=True)
    contributor = b.person(DEMO_ACCOUNTS[Role.CONTRIBUTOR], "Nurul Aini, A.Md.", protokol,
                           position_title="Pengadministrasi Protokol", can_sign_in=True)

    # Others recorded in the structure (they have no password in the demo).
    former_kabag = b.person(_email("yusuf.effendi"), "Drs. Yusuf Effendi", prokompim,
                            nip="196812101994031005", position_title="Kepala Bagian (2021-2024)")
    kasubbag_protokol = b.person(_email("rina.marlina"), "Rina Marlina, S.H.", protokol,
                                 nip="198201062006042003",
                                 position_title="Kepala Subbagian Protokol")
    photographer = b.person(_email("fajar.ramadhan"), "Fajar Ramadhan", dokumentasi,
                            position_title="Fotografer (tenaga harian lepas)")
    former_admin = b.person(_email("siti.rahma"), "Siti Rahmawati, S.Sos.", dokumentasi,
                            position_title="Pengelola Media Sosial (2021-2023)")
    kominfo_head = b.person(_email("budi.santoso"), "Ir. Budi Santoso, M.T.", diskominfo,
                            nip="197003251995031002", position_title="Kepala Dinas Kominfo")
    kominfo_admin = b.person(_email("maya.sari"), "Maya Sari, S.Kom.", diskominfo,
                             position_title="Pengelola Media Sosial")
    dinkes_head = b.person(_email("elfiani"), "dr. Elfiani, M.Kes.", dinkes,
                           nip="197604082002122003", position_title="Kepala Dinas Kesehatan")
    dinkes_secretary = b.person(_email("agus.salim"), "Agus Salim, S.K.M.", dinkes,
                                position_title="Sekretaris Dinas Kesehatan")
    dinkes_admin = b.person(_email("putri.handayani"), "Putri Handayani, A.Md.Kes.", dinkes,
                            position_title="Pengelola Media Sosial")

    # Prokompim: the team formalised by the 2024 decree, with its history.
    b.assignment(former_kabag, prokompim, Role.APPROVER, date(2021, 1, 4), valid_to=date(2024, 2, 29),
                 position_title="Kepala Bagian Prokompim", decree=SK_KABAG_2021,
                 ended_because="Mutasi ke Dinas Pariwisata (SK 821.2/044/BKPSDM/2024)")
    b.assignment(former_admin, prokompim, Role.AUTHOR, date(2021, 3, 1), valid_to=date(2023, 12, 31),
                 position_title="Pengelola Media Sosial",
                 ended_because="Pindah tugas ke Bagian Umum")
    b.assignment(approver, prokompim, Role.APPROVER, date(2024, 3, 1),
                 position_title="Kepala Bagian Prokompim (penanggung jawab)", decree=SK_KABAG_2024)
    b.assignment(reviewer, prokompim, Role.REVIEWER, date(2024, 3, 1),
                 position_title="Kepala Subbagian Dokumentasi Pimpinan (verifikator)",
                 decree=SK_TEAM_2024)
    b.assignment(author, prokompim, Role.AUTHOR, date(2024, 3, 1),
                 position_title="Admin akun media sosial", decree=SK_TEAM_2024)
    b.assignment(contributor, prokompim, Role.CONTRIBUTOR, date(2024, 3, 1),
                 position_title="Kontributor Subbagian Protokol", decree=SK_TEAM_2024)
    b.assignment(photographer, dokumentasi, Role.CONTRIBUTOR, date(2024, 3, 1),
                 position_title="Fotografer liputan pimpinan", decree=SK_TEAM_2024)
    b.assignment(kasubbag_protokol, protokol, Role.REVIEWER, date(2024, 3, 1),
                 position_title="Kepala Subbagian Protokol", decree=SK_TEAM_2024)

    # A past Plh. while the Kabag was on leave, and one acting now (dates follow the seed day).
    b.delegation(approver, reviewer, prokompim, Role.APPROVER, DelegationKind.PLH,
                 date(2025, 6, 10), date(2025, 6, 20),
                 ("800.1.11.1/057/PROKOMPIM/2025", date(2025, 6, 9), "Sekretaris Daerah Kota Tanjungpinang"),
                 "Kepala Bagian menunaikan cuti tahunan")
    b.delegation(approver, kasubbag_protokol, prokompim, Role.APPROVER, DelegationKind.PLH,
                 today - timedelta(days=2), today + timedelta(days=5),
                 ("800.1.11.1/131/PROKOMPIM/2026", today - timedelta(days=3),
                  "Sekretaris Daerah Kota Tanjungpinang"),
                 "Kepala Bagian mengikuti Pelatihan Kepemimpinan Administrator")

    # City-wide roles.
    b.assignment(sysadmin, kota, Role.SYSADMIN, date(2024, 1, 15),
                 position_title="Admin sistem Pranata (Diskominfo)", decree=SK_SYSADMIN)
    b.assignment(auditor, kota, Role.AUDITOR, date(2024, 1, 10),
                 position_title="Auditor kepatuhan SOP (Inspektorat)", decree=SK_INSPEKTORAT)

    # Diskominfo and Dinas Kesehatan; one Dinkes role rests on no decree at all,
    # the gap the studies describe.
    b.assignment(kominfo_head, diskominfo, Role.APPROVER, date(2023, 7, 3),
                 position_title="Kepala Dinas", decree=SK_SYSADMIN)
    b.assignment(kominfo_admin, diskominfo, Role.AUTHOR, date(2024, 1, 15), decree=SK_SYSADMIN)
    b.assignment(dinkes_head, dinkes, Role.APPROVER, date(2025, 1, 6),
                 position_title="Kepala Dinas", decree=SK_DINKES)
    b.assignment(dinkes_secretary, dinkes, Role.REVIEWER, date(2025, 1, 6), decree=SK_DINKES)
    b.assignment(dinkes_admin, dinkes, Role.AUTHOR, date(2025, 2, 1),
                 position_title="Admin Instagram @dinkes.tpi (penunjukan lisan)")

    # --- Provinsi Sumatera Selatan: DPPPA's team by governor's decree ----------------
    sumsel = b.unit("Pemerintah Provinsi Sumatera Selatan", UnitType.GOVERNMENT,
                    short_name="Pemprov Sumsel")
    dpppa = b.unit("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", UnitType.AGENCY, sumsel,
                   "DPPPA Sumsel")
    sekretariat = b.unit("Sekretariat DPPPA", UnitType.DIVISION, dpppa)
    bidang = [b.unit(name, UnitType.DIVISION, dpppa) for name in (
        "Bidang Perlindungan Hak Perempuan", "Bidang Pemenuhan Hak Anak",
        "Bidang Perlindungan Khusus Anak", "Bidang Data dan Informasi Gender")]
    kadis = b.person(_email("kadis.dpppa"), "Dra. Hj. Henny Yulianti, M.M.", dpppa,
                     nip="197002141990032004", position_title="Kepala Dinas DPPPA")
    sekdis = b.person(_email("sekdis.dpppa"), "Hendri Wijaya, S.STP., M.Si.", sekretariat,
                      position_title="Sekretaris Dinas")
    admin_ig = b.person(_email("admin.dpppa"), "Ayu Lestari, S.Kom.", sekretariat,
                        position_title="Admin Instagram @dpppa.sumsel")
    b.assignment(kadis, dpppa, Role.APPROVER, date(2023, 2, 1),
                 position_title="Penanggung jawab (menyaring setiap unggahan)", decree=SK_DPPPA)
    b.assignment(sekdis, dpppa, Role.REVIEWER, date(2023, 2, 1), decree=SK_DPPPA)
    b.assignment(admin_ig, dpppa, Role.AUTHOR, date(2023, 2, 1), decree=SK_DPPPA)
    representatives = ("Rudi Hartono", "Lina Marlina", "Yanti Susanti", "Doni Kurniawan")
    for unit, name in zip(bidang, representatives):
        rep = b.person(_email(name.lower().replace(" ", ".")), f"{name}, S.Sos.", unit,
                       position_title=f"Perwakilan {unit.name}")
        b.assignment(rep, dpppa, Role.CONTRIBUTOR, date(2023, 2, 1),
                     position_title="Kontributor bidang", decree=SK_DPPPA)

    from planner.demo.planner_demo import seed_planner
    from planner.demo.sop_demo import seed_posts, seed_sops

    seed_sops()
    seed_posts(DEMO_ACCOUNTS)
    planned = seed_planner(today, DEMO_ACCOUNTS, DEMO_DOMAIN)
    return {"created": b.created + planned, "accounts": DEMO_ACCOUNTS, "password": DEMO_PASSWORD}
