"""The words of the demo's planner history: Tanjungpinang's kecamatan and kelurahan, the
leader's kinds of events, the kinds of posts each category holds, and captions written
the way the studies found them (the same text on Instagram, Facebook and X)."""
from __future__ import annotations

import random

# Kecamatan → kelurahan of Kota Tanjungpinang.
KECAMATAN = {
    "Bukit Bestari": ("Dompak", "Sei Jang", "Tanjung Ayun Sakti", "Tanjung Unggat",
                      "Tanjungpinang Timur"),
    "Tanjungpinang Kota": ("Kampung Bugis", "Penyengat", "Senggarang", "Tanjungpinang Kota"),
    "Tanjungpinang Barat": ("Bukit Cermin", "Kampung Baru", "Kemboja", "Tanjungpinang Barat"),
    "Tanjungpinang Timur": ("Air Raja", "Batu IX", "Kampung Bulang", "Melayu Kota Piring",
                            "Pinang Kencana"),
}
KELURAHAN = [k for names in KECAMATAN.values() for k in names]
MOSQUES = ("Masjid Raya Sultan Riau Penyengat", "Masjid Agung Al-Hikmah", "Masjid Nurul Iman",
           "Masjid Baitul Makmur", "Masjid Al-Mujahidin")
PUSKESMAS = ("Puskesmas Batu 10", "Puskesmas Kampung Bugis", "Puskesmas Sei Jang",
             "Puskesmas Melayu Kota Piring", "Puskesmas Mekar Baru")

# The leader's events: (event title, place, post title); {leader} is the leader's title.
EVENTS = (
    ("Upacara Hari Kebangkitan Nasional", "Halaman Kantor Wali Kota, Senggarang",
     "{leader} pimpin upacara Hari Kebangkitan Nasional"),
    ("Pembukaan Musrenbang Kecamatan {kec}", "Aula Kantor Camat {kec}",
     "{leader} buka Musrenbang Kecamatan {kec}"),
    ("Rapat Koordinasi Forkopimda", "Gedung Daerah Tanjungpinang",
     "{leader} hadiri rapat koordinasi Forkopimda"),
    ("Peresmian Posyandu Kelurahan {kel}", "Kantor Kelurahan {kel}",
     "{leader} resmikan Posyandu Kelurahan {kel}"),
    ("Safari Jumat", "{mosque}", "{leader} Safari Jumat di {mosque}"),
    ("Penyerahan bantuan sosial bagi lansia", "Kantor Kelurahan {kel}",
     "{leader} serahkan bantuan sosial bagi lansia di {kel}"),
    ("Kunjungan kerja ke Pulau Penyengat", "Pulau Penyengat",
     "{leader} tinjau pembangunan di Pulau Penyengat"),
    ("Pelantikan pejabat administrator dan pengawas", "Aula Bulang Linggi, Kantor Wali Kota",
     "{leader} lantik pejabat administrator dan pengawas"),
    ("Penerimaan kunjungan kerja DPRD Provinsi Kepri", "Ruang Rapat Wali Kota",
     "{leader} terima kunjungan kerja DPRD Provinsi Kepri"),
    ("Pembukaan Festival Kuliner Melayu", "Tepi Laut Tanjungpinang",
     "{leader} buka Festival Kuliner Melayu"),
    ("Penandatanganan nota kesepahaman dengan BPJS Kesehatan", "Gedung Daerah Tanjungpinang",
     "{leader} tandatangani nota kesepahaman dengan BPJS Kesehatan"),
    ("Apel gabungan ASN", "Lapangan Pamedan Ahmad Yani",
     "{leader} pimpin apel gabungan ASN"),
    ("Gotong royong Tanjungpinang Bersih", "Kelurahan {kel}",
     "{leader} ikut gotong royong di Kelurahan {kel}"),
    ("Pembukaan MTQ tingkat Kota", "Lapangan Pamedan Ahmad Yani",
     "{leader} buka MTQ tingkat Kota Tanjungpinang"),
    ("Peninjauan Pasar Baru", "Pasar Baru Tanjungpinang",
     "{leader} tinjau harga bahan pokok di Pasar Baru"),
    ("Penyerahan SK PPPK", "Aula Bulang Linggi, Kantor Wali Kota",
     "{leader} serahkan SK PPPK"),
    ("Rapat paripurna DPRD Kota Tanjungpinang", "Gedung DPRD Kota Tanjungpinang",
     "{leader} hadiri rapat paripurna DPRD"),
    ("Pencanangan Bulan Imunisasi Anak Nasional", "{puskesmas}",
     "{leader} canangkan Bulan Imunisasi Anak Nasional"),
    ("Pelepasan kontingen Porprov Kepri", "Halaman Kantor Wali Kota, Senggarang",
     "{leader} lepas kontingen Porprov Kepri"),
    ("Ramah tamah dengan tokoh masyarakat Kecamatan {kec}", "Aula Kantor Camat {kec}",
     "{leader} ramah tamah dengan tokoh masyarakat {kec}"),
)
HEALTH_EVENTS = {"Peresmian Posyandu Kelurahan {kel}", "Pencanangan Bulan Imunisasi Anak Nasional",
                 "Penandatanganan nota kesepahaman dengan BPJS Kesehatan"}

# Posts that are not coverage of a ceremony, per category code: (title, brief).
TOPICS = {
    "informasi-publik": (
        ("Pemadaman listrik bergilir di Kecamatan {kec}", "Jadwal dan wilayah terdampak dari PLN."),
        ("Car free day hari Minggu di Jalan Merdeka", "Jalur ditutup pukul 06.00-09.00 WIB."),
        ("Pelayanan kantor pemerintahan selama cuti bersama", "Layanan yang tetap buka dan nomor piket."),
        ("Penutupan sementara Jalan Basuki Rahmat", "Perbaikan drainase; jalur alternatif."),
        ("Pengumuman hasil seleksi PPPK", "Daftar peserta lulus dan jadwal pemberkasan."),
        ("Jadwal kapal Tanjungpinang-Penyengat saat libur panjang", "Tambahan jadwal pompong."),
    ),
    "edukasi": (
        ("Mengenal Perwako retribusi sampah", "Siapa membayar, berapa, dan ke mana uangnya."),
        ("Program beasiswa Tanjungpinang Cerdas", "Syarat dan cara mendaftar."),
        ("Cara memilah sampah rumah tangga", "Organik, anorganik, B3: infografis."),
        ("Cegah DBD dengan 3M Plus", "Menguras, menutup, mendaur ulang, dan kelambu."),
        ("Apa itu APBD dan untuk apa?", "Video penjelasan singkat APBD Kota."),
    ),
    "layanan-publik": (
        ("Cara mengurus KTP-el di Mal Pelayanan Publik", "Syarat, jam layanan dan antrean daring."),
        ("Layanan adminduk keliling di Kelurahan {kel}", "Perekaman KTP-el dan KIA."),
        ("Mengadu lewat SP4N-LAPOR!", "Langkah demi langkah menyampaikan pengaduan."),
        ("Jam layanan Puskesmas selama libur", "Puskesmas rawat inap tetap buka 24 jam."),
    ),
    "interaktif": (
        ("Jajak pendapat: lokasi taman kota berikutnya", "Polling Instagram Story, tiga pilihan."),
        ("Tanya Wali Kota: sesi tanya jawab langsung", "Live Instagram, pertanyaan warga dijawab."),
        ("Usulan warga untuk Musrenbang lewat kolom komentar", "Ajakan menulis usulan."),
    ),
    "kolaboratif": (
        ("Lomba foto warga: sudut kota favoritmu", "Foto terbaik tampil di akun resmi."),
        ("Laporkan jalan rusak di lingkunganmu", "Kirim foto dan lokasi; Dinas PUPR menindaklanjuti."),
    ),
    "krisis": (
        ("Peringatan dini cuaca ekstrem dan gelombang tinggi", "Info BMKG; nelayan diimbau waspada."),
        ("Banjir rob di pesisir Tanjungpinang", "Wilayah terdampak dan posko bantuan."),
    ),
}
HEALTH_TOPICS = {"Cegah DBD dengan 3M Plus", "Jam layanan Puskesmas selama libur"}

DPPPA_TOPICS = {
    "seremonial": (
        ("Kepala Dinas hadiri peringatan Hari Anak Nasional", "Liputan kegiatan di Palembang."),
        ("Kepala Dinas buka rapat koordinasi Puspaga se-Sumatera Selatan", "Liputan rapat."),
        ("Kunjungan kerja Kepala Dinas ke Kabupaten {kab}", "Liputan kunjungan kerja."),
        ("Penandatanganan komitmen Kabupaten/Kota Layak Anak", "Liputan acara."),
        ("Kepala Dinas terima audiensi Forum Anak Sumatera Selatan", "Liputan audiensi."),
    ),
    "edukasi": (
        ("Kenali bentuk kekerasan terhadap anak", "Infografis; tanpa identitas korban."),
        ("Stop perkawinan anak", "Dampak perkawinan anak bagi pendidikan dan kesehatan."),
    ),
    "layanan-publik": (
        ("Hotline pengaduan UPTD PPA Sumatera Selatan", "Nomor layanan dan jam operasional."),
    ),
    "interaktif": (
        ("Ceritakan kegiatan Forum Anak di daerahmu", "Ajakan berbagi di kolom komentar."),
    ),
    "informasi-publik": (
        ("Jadwal layanan konseling keluarga Puspaga", "Layanan tanpa biaya, daftar lewat WhatsApp."),
    ),
}
KABUPATEN = ("Ogan Ilir", "Banyuasin", "Musi Banyuasin", "Ogan Komering Ilir", "Lahat", "Muara Enim")

HASHTAGS = "#PemkoTanjungpinang #TanjungpinangBerbudaya #KotaGurindam"
# A word in a post's title -> the campaign it belongs to.
CAMPAIGNS = {"gotong royong": "Tanjungpinang Bersih", "sampah": "Tanjungpinang Bersih",
             "imunisasi": "Bulan Imunisasi Anak Nasional", "posyandu": "Bulan Imunisasi Anak Nasional",
             "beasiswa": "Tanjungpinang Cerdas", "taman baca": "Tanjungpinang Cerdas"}


def fill(template: str, rng: random.Random, **given) -> str:
    kec = rng.choice(list(KECAMATAN))
    values = {"kec": kec, "kel": rng.choice(KECAMATAN[kec]), "mosque": rng.choice(MOSQUES),
              "puskesmas": rng.choice(PUSKESMAS), "kab": rng.choice(KABUPATEN), **given}
    return template.format(**values)


def copied_caption(title: str, brief: str, hashtags: str) -> str:
    """The one caption the studies saw pasted on every platform."""
    return f"{title}. {brief} {hashtags}"


def captions(title: str, brief: str, hashtags: str, platforms, link: str | None,
             rng: random.Random, copied: bool) -> dict:
    """A caption per platform: the same text on Instagram, Facebook and X when `copied`,
    otherwise written for each platform.  The website and YouTube always get their own."""
    same = copied_caption(title, brief, hashtags)
    out = {}
    for platform in platforms:
        if platform == "website":
            out[platform] = f"{title}\n\n{brief} (berita lengkap di situs resmi)"
        elif platform == "youtube":
            out[platform] = f"{title} | Video dokumentasi. {brief}"
        elif platform == "tiktok":
            out[platform] = f"{title} 🎥 {hashtags.split()[0]}"
        elif copied:
            out[platform] = same
        elif platform == "instagram":
            out[platform] = f"📸 {title}\n\n{brief}\n\n{hashtags}"
        elif platform == "facebook":
            more = f" Selengkapnya: {link}" if link else ""
            out[platform] = f"{title}. {brief}{more}"
        else:  # x
            out[platform] = f"{title} {link or ''} {hashtags.split()[0]}".replace("  ", " ")
    return out


def token(rng: random.Random, length: int = 11) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(rng.choice(alphabet) for _ in range(length))


def slug(title: str) -> str:
    kept = "".join(c.lower() if c.isalnum() else "-" for c in title)
    return "-".join(part for part in kept.split("-") if part)[:80]
