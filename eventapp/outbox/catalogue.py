"""Every WhatsApp message text, as templates with named values.

Business-initiated WhatsApp messages must use templates approved by Meta, so the texts live
here once: the Cloud API sends the template's name and its values; the gateway and the
development files get the same text filled in; `cloud_api_definitions` gives the catalogue in
the form Meta's template registration takes, so an office can submit it for approval.

Meta's rules that shape these texts: value names are lowercase letters and underscores; a
value may not hold a line break, a tab or more than four spaces in a row; a body may neither
start nor end with a value; a body is at most 1,024 characters.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

LANGUAGE = "id"
AUTHENTICATION = "AUTHENTICATION"
# How long a one-time code lasts; Meta's authentication template states it in its footer.
CODE_MINUTES = 10
_VALUE = re.compile(r"\{\{([a-z_]+)\}\}")


class UnknownTemplate(KeyError):
    pass


@dataclass(frozen=True)
class Template:
    name: str
    # Meta's category: UTILITY (about something the person asked for), MARKETING (an
    # announcement) or AUTHENTICATION (a one-time code: Meta fixes the words and adds a
    # copy-code button; only `kode` is sent).
    category: str
    body: str
    # A value for each name in the body: Meta wants examples, and the settings page shows them.
    examples: dict[str, str]
    # What the template is for, shown to organizers in the catalogue.
    purpose: LazyString
    # True when the message carries a PDF (the certificate) as its document header.
    document: bool = False
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(dict.fromkeys(_VALUE.findall(self.body))))

    def fill(self, values: Mapping[str, object]) -> dict[str, str]:
        """This template's values out of `values`, each made acceptable to Meta."""
        return {name: clean_value(values[name]) for name in self.names}

    def render(self, values: dict[str, str]) -> str:
        """The text a person reads, with every (filled) value in place."""
        return _VALUE.sub(lambda m: values[m.group(1)], self.body)


def clean_value(value: object) -> str:
    """A value as Meta accepts it: one line, no runs of spaces, never empty."""
    return " ".join(str(value).split()) or "-"


_SCHEDULE = "Jadwal: {{jadwal}}\n{{tempat}}"

TEMPLATES = {
    t.name: t
    for t in [
        Template(
            "pendaftaran_diterima",
            "UTILITY",
            "Halo {{nama}}, pendaftaran Anda untuk *{{acara}}* diterima.\n\nKode pendaftaran: {{kode}}\n"
            + _SCHEDULE
            + "\n\nHalaman peserta (QR presensi, kalender, pembatalan): {{tautan}}\n\n"
            "Tidak jadi hadir? Batalkan di halaman itu agar kursinya dapat dipakai orang lain.",
            {
                "nama": "Siti Aminah",
                "acara": "Webinar Literasi Digital",
                "kode": "KT7-M4Q9",
                "jadwal": "Selasa, 15 Desember 2026, 09.00–12.00 WIB",
                "tempat": "Daring: tautan rapat ada di halaman peserta",
                "tautan": "https://acara.example.go.id/p/contoh",
            },
            _l("Pendaftaran diterima"),
        ),
        Template(
            "daftar_tunggu",
            "UTILITY",
            "Halo {{nama}}, kursi *{{acara}}* sudah penuh. Anda masuk daftar tunggu urutan ke-{{urutan}}.\n\n"
            "Kode pendaftaran: {{kode}}\nHalaman peserta: {{tautan}}\n\n"
            "Jika ada peserta yang batal, Anda otomatis mendapat tempat dan kami kabari.",
            {
                "nama": "Siti Aminah",
                "acara": "Webinar Literasi Digital",
                "urutan": "3",
                "kode": "KT7-M4Q9",
                "tautan": "https://acara.example.go.id/p/contoh",
            },
            _l("Masuk daftar tunggu"),
        ),
        Template(
            "dapat_tempat",
            "UTILITY",
            "Halo {{nama}}, ada kursi yang kosong di *{{acara}}*, dan Anda kini terdaftar "
            "sebagai peserta.\n\n"
            "Kode pendaftaran: {{kode}}\n"
            + _SCHEDULE
            + "\n\nHalaman peserta: {{tautan}}\n\nSampai jumpa di acara.",
            {
                "nama": "Siti Aminah",
                "acara": "Webinar Literasi Digital",
                "kode": "KT7-M4Q9",
                "jadwal": "Selasa, 15 Desember 2026, 09.00–12.00 WIB",
                "tempat": "Tempat: Aula Diskominfo, Jl. Tjilik Riwut 1",
                "tautan": "https://acara.example.go.id/p/contoh",
            },
            _l("Naik dari daftar tunggu"),
        ),
        Template(
            "perubahan_acara",
            "UTILITY",
            "Halo {{nama}}, waktu, tempat atau tautan *{{acara}}* berubah. Keterangan terbaru:\n\n"
            + _SCHEDULE
            + "\n\nHalaman peserta: {{tautan}}\n\nMohon sesuaikan rencana Anda.",
            {
                "nama": "Siti Aminah",
                "acara": "Webinar Literasi Digital",
                "jadwal": "Rabu, 16 Desember 2026, 13.00–15.00 WIB",
                "tempat": "Tempat: Aula Diskominfo, Jl. Tjilik Riwut 1",
                "tautan": "https://acara.example.go.id/p/contoh",
            },
            _l("Perubahan waktu, tempat, tautan atau cara hadir"),
        ),
        Template(
            "sesi_ditiadakan",
            "UTILITY",
            "Halo {{nama}}, sesi {{sesi}} pada *{{acara}}* ditiadakan.\n\nJadwal yang berlaku: {{jadwal}}\n"
            "Halaman peserta: {{tautan}}\n\nMohon maaf atas perubahan ini.",
            {
                "nama": "Siti Aminah",
                "sesi": "Rabu, 16 Desember 2026, 09.00 WIB",
                "acara": "Bimtek Pengelolaan Media Sosial",
                "jadwal": "Selasa, 15 Desember 2026, 09.00–15.00 WIB",
                "tautan": "https://acara.example.go.id/p/contoh",
            },
            _l("Satu sesi ditiadakan"),
        ),
        Template(
            "pendaftaran_batal",
            "UTILITY",
            "Halo {{nama}}, pendaftaran Anda (kode {{kode}}) untuk *{{acara}}* sudah dibatalkan.\n\n"
            "Bila ini keliru, silakan hubungi penyelenggara.",
            {"nama": "Siti Aminah", "kode": "KT7-M4Q9", "acara": "Webinar Literasi Digital"},
            _l("Pendaftaran dibatalkan"),
        ),
        Template(
            "acara_dibatalkan",
            "UTILITY",
            "Halo {{nama}}, dengan menyesal kami sampaikan bahwa *{{acara}}* dibatalkan.\n\n"
            "Alasan: {{alasan}}\n\nMohon maaf atas ketidaknyamanan ini.",
            {"nama": "Siti Aminah", "acara": "Webinar Literasi Digital", "alasan": "Narasumber berhalangan"},
            _l("Acara dibatalkan"),
        ),
        Template(
            "pengingat",
            "UTILITY",
            "Halo {{nama}}, pengingat: *{{acara}}* dimulai {{kapan}}.\n\n{{tempat}}\n"
            "Kode pendaftaran: {{kode}}\n"
            "Halaman peserta: {{tautan}}\n\nSampai jumpa.",
            {
                "nama": "Siti Aminah",
                "acara": "Webinar Literasi Digital",
                "kapan": "besok, Selasa, 15 Desember 2026, 09.00 WIB",
                "tempat": "Daring: tautan rapat ada di halaman peserta",
                "kode": "KT7-M4Q9",
                "tautan": "https://acara.example.go.id/p/contoh",
            },
            _l("Pengingat sehari dan sejam sebelum sesi"),
        ),
        Template(
            "sertifikat_terbit",
            "UTILITY",
            "Halo {{nama}}, sertifikat Anda untuk *{{acara}}* sudah terbit dengan nomor {{nomor}}; "
            "berkasnya terlampir.\n\nKeasliannya dapat diperiksa di {{verifikasi}}\n\n"
            "Terima kasih atas partisipasi Anda.",
            {
                "nama": "Siti Aminah",
                "acara": "Webinar Literasi Digital",
                "nomor": "001/WEB/XII/2026",
                "verifikasi": "https://acara.example.go.id/verifikasi/contoh",
            },
            _l("Sertifikat terbit (PDF terlampir)"),
            document=True,
        ),
        Template(
            "undangan",
            "UTILITY",
            "Yth. {{nama}}, Anda diundang ke *{{acara}}*.\n\n" + _SCHEDULE + "\n\nHadir: {{hadir}}\n"
            "Berhalangan (izin): {{izin}}\n\nMohon konfirmasi melalui salah satu tautan di atas.",
            {
                "nama": "Budi Santoso",
                "acara": "Rapat Koordinasi KIM Kabupaten",
                "jadwal": "Kamis, 17 Desember 2026, 09.00–12.00 WIB",
                "tempat": "Tempat: Ruang Rapat Diskominfo",
                "hadir": "https://acara.example.go.id/undangan/contoh",
                "izin": "https://acara.example.go.id/undangan/contoh#izin",
            },
            _l("Undangan rakor dengan pilihan hadir atau izin"),
        ),
        Template(
            "tautan_pendaftaran",
            "UTILITY",
            "Halo {{nama}}, nomor Anda dipakai lagi untuk mendaftar ke *{{acara}}*. Anda sudah terdaftar; "
            "halaman pendaftaran Anda: {{tautan}}\n\n"
            "Jika bukan Anda yang mengisi formulir, abaikan pesan ini.",
            {
                "nama": "Siti Aminah",
                "acara": "Webinar Literasi Digital",
                "tautan": "https://acara.example.go.id/p/contoh",
            },
            _l("Tautan dikirim lagi setelah pendaftaran ganda"),
        ),
        Template(
            "pesan_penyelenggara",
            # An organizer's free text is an announcement, not part of what the person asked for:
            # Meta would re-file it as marketing, which also makes the opt-out line expected.
            "MARKETING",
            "Halo {{nama}}, pesan dari {{penyelenggara}} tentang *{{acara}}*:\n\n{{pesan}}\n\n"
            "Halaman peserta Anda: {{tautan}}\n"
            "Tidak ingin menerima pengumuman lagi? Buka {{berhenti}} atau balas BERHENTI.",
            {
                "nama": "Siti Aminah",
                "penyelenggara": "Diskominfo Kabupaten Kotawaringin Timur",
                "acara": "Webinar Literasi Digital",
                "pesan": "Materi webinar sudah dapat diunduh di halaman acara.",
                "tautan": "https://acara.example.go.id/p/contoh",
                "berhenti": "https://acara.example.go.id/berhenti/contoh",
            },
            _l("Pesan penyelenggara kepada peserta (siaran)"),
        ),
        Template(
            "isi_formulir",
            "UTILITY",
            "Halo {{nama}}, mohon isi *{{formulir}}* untuk *{{acara}}* melalui tautan pribadi Anda: "
            "{{tautan}}\n\n{{batas}}",
            {
                "nama": "Siti Aminah",
                "formulir": "Evaluasi kegiatan",
                "acara": "Bimtek Literasi Digital",
                "tautan": "https://acara.example.go.id/p/contoh/formulir/evaluasi",
                "batas": "Sertifikat terbit setelah evaluasi diisi.",
            },
            _l("Tautan evaluasi, pre-test atau post-test untuk tiap peserta"),
        ),
        Template(
            "kode_verifikasi",
            AUTHENTICATION,
            "*{{kode}}* adalah kode verifikasi Anda untuk {{keperluan}}. Demi keamanan, jangan berikan "
            "kode ini kepada siapa pun.\nKode berlaku {{menit}} menit.",
            {"kode": "482913", "keperluan": "melihat sertifikat", "menit": str(CODE_MINUTES)},
            _l("Kode verifikasi nomor atau e-mail (sekali pakai)"),
        ),
        Template(
            "pesan_uji",
            "UTILITY",
            "Pesan uji dari {{penyelenggara}}. Jika pesan ini sampai, WhatsApp kantor Anda siap dipakai "
            "untuk pemberitahuan acara.",
            {"penyelenggara": "Diskominfo Kabupaten Kotawaringin Timur"},
            _l("Pesan uji dari pengaturan organisasi"),
        ),
    ]
}


def template(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except KeyError as exc:
        raise UnknownTemplate(name) from exc


def cloud_api_definitions() -> list[dict]:
    """The catalogue as Meta's 'create message template' requests take it (named values)."""
    definitions = []
    for t in TEMPLATES.values():
        if t.category == AUTHENTICATION:
            definitions.append(_authentication_definition(t))
            continue
        components: list[dict] = []
        if t.document:
            # Meta asks for a sample file's upload handle here; the office uploads any PDF.
            components.append({"type": "HEADER", "format": "DOCUMENT"})
        components.append(
            {
                "type": "BODY",
                "text": t.body,
                "example": {
                    "body_text_named_params": [{"param_name": n, "example": t.examples[n]} for n in t.names]
                },
            }
        )
        definitions.append(
            {
                "name": t.name,
                "language": LANGUAGE,
                "category": t.category,
                "parameter_format": "named",
                "components": components,
            }
        )
    return definitions


def _authentication_definition(t: Template) -> dict:
    """Meta writes an authentication template's words itself, in the chosen language: the code,
    the advice not to share it, the minutes it lasts, and a button that copies the code."""
    return {
        "name": t.name,
        "language": LANGUAGE,
        "category": t.category,
        "message_send_ttl_seconds": CODE_MINUTES * 60,
        "components": [
            {"type": "BODY", "add_security_recommendation": True},
            {"type": "FOOTER", "code_expiration_minutes": CODE_MINUTES},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
        ],
    }
