"""Demo data from the real setting: Kalimantan Tengah, its two Diskominfo offices and some KIM."""

from datetime import date, datetime, time, timedelta

from eventapp.accounts import services as accounts
from eventapp.accounts.models import OrganizationLevel, Role
from eventapp.dbtypes import utcnow
from eventapp.events import services as event_services
from eventapp.events.models import Audience, EventKind, EventMode, PersonRole
from eventapp.i18n import utc_to_local
from eventapp.kim import services as kim_services
from eventapp.regions.models import Region, RegionLevel
from eventapp.regions.services import find_child_by_name, import_regions

DEMO_PASSWORD = "demo-eventapp"
DEMO_ACCOUNTS = [
    ("admin@kalteng.example", DEMO_PASSWORD, Role.ADMIN.value),
    ("penyelenggara@kotim.example", DEMO_PASSWORD, Role.ORGANIZER.value),
    ("presensi@kotim.example", DEMO_PASSWORD, Role.CHECKIN.value),
]

# (nomor induk, name, kabupaten, kecamatan, desa, founded,
#  members as (name, position, gender, birth year, occupation, phone))
DEMO_KIM = [
    (
        "KIM-6202-001",
        "KIM Kotabesi Bersinar",
        "Kotawaringin Timur",
        "Kota Besi",
        "Kota Besi Hulu",
        date(2019, 8, 12),
        [
            ("Rahmadi Saputra", "ketua", "L", 1984, "wiraswasta", "081250010001"),
            ("Nur Aini", "sekretaris", "P", 1992, "ibu_rumah_tangga", "081250010002"),
            ("Yuliana Sari", "bendahara", "P", 1990, "pedagang", "081250010003"),
            ("Ahmad Riduan", "anggota", "L", 2003, "pelajar_mahasiswa", "081250010004"),
            ("Sugianto", "anggota", "L", 1978, "petani", "081250010005"),
        ],
    ),
    (
        "KIM-6202-002",
        "KIM Bagendang Maju",
        "Kotawaringin Timur",
        "Mentaya Hilir Utara",
        "Bagendang Hilir",
        date(2020, 2, 3),
        [
            ("Hj. Masitah", "ketua", "P", 1975, "pedagang", "081250020001"),
            ("Junaidi", "sekretaris", "L", 1988, "nelayan", "081250020002"),
            ("Rina Marlina", "anggota", "P", 1999, "pelajar_mahasiswa", "081250020003"),
            ("Darmansyah", "anggota", "L", 1969, "nelayan", "081250020004"),
        ],
    ),
    (
        "KIM-6202-003",
        "KIM Samuda Informatif",
        "Kotawaringin Timur",
        "Mentaya Hilir Selatan",
        "Samuda Kota",
        date(2022, 11, 21),
        [
            ("Fitriani", "ketua", "P", 1995, "pns", "081250030001"),
            ("Budi Hartono", "anggota", "L", 1986, "wiraswasta", "081250030002"),
        ],
    ),
    (
        "KIM-6206-001",
        "KIM Kasongan Cerdas",
        "Katingan",
        "Katingan Hilir",
        "Kasongan Lama",
        date(2018, 5, 20),
        [
            ("Yohanes Tingang", "ketua", "L", 1980, "pns", "081250040001"),
            ("Maria Ulfah", "sekretaris", "P", 1993, "lainnya", "081250040002"),
            ("Elisabet Indah", "bendahara", "P", 1997, "pedagang", "081250040003"),
            ("Agus Salim", "anggota", "L", 2001, "pelajar_mahasiswa", "081250040004"),
        ],
    ),
]


def _region(parent: Region | None, level: RegionLevel, name: str) -> Region:
    found = find_child_by_name(parent.id if parent else None, level, name)
    if found is None:
        raise RuntimeError(f"region {name!r} missing from the region data")
    return found


def _demo_events(organizer, kotim_office, kotim, admin, province_office) -> None:
    """Two published events a few weeks ahead, so the public list is not empty."""
    soon = utcnow().date() + timedelta(days=14)
    sosialisasi = event_services.create_event(
        organizer,
        kotim_office,
        event_services.EventData(
            title="Sosialisasi Pembentukan KIM Kecamatan Kota Besi",
            kind=EventKind.SOSIALISASI,
            mode=EventMode.LURING,
            audience=Audience.UMUM,
            region_id=kotim.id,
            description="Sosialisasi tentang **pembentukan dan penguatan KIM** bagi perangkat desa, karang "
            "taruna dan tokoh masyarakat.\n\n- Peran KIM sebagai mitra Diskominfo\n"
            "- Tata cara pendaftaran KIM\n- Praktik membuat konten informasi desa",
            venue_name="Aula Kantor Kecamatan Kota Besi",
            venue_address="Jl. Tjilik Riwut, Kota Besi Hulu",
            venue_capacity=60,
            contact_name="Rina Kartika",
            contact_phone="081250099001",
        ),
        [event_services.SessionData(day=soon, start=time(9), end=time(12))],
    )
    event_services.add_person(
        organizer,
        sosialisasi,
        event_services.PersonData(
            role=PersonRole.NARASUMBER,
            name="Marjuki, S.Sos., M.AP.",
            title="Kepala Dinas",
            institution="Diskominfo Kabupaten Kotawaringin Timur",
            topic="KIM sebagai mitra informasi pemerintah",
        ),
    )
    event_services.publish_event(organizer, sosialisasi)

    webinar = event_services.create_event(
        admin,
        province_office,
        event_services.EventData(
            title="Webinar Literasi Digital: Melawan Hoaks Menjelang Pilkada",
            kind=EventKind.WEBINAR,
            mode=EventMode.HIBRIDA,
            audience=Audience.UMUM,
            region_id=None,
            description="Webinar bagi anggota KIM se-Kalimantan Tengah tentang cara mengenali "
            "dan melawan hoaks.",
            venue_name="Studio Diskominfosantik Kalteng, Palangka Raya",
            online_url="https://zoom.us/j/0000000000",
            online_passcode="KIM2026",
            venue_capacity=30,
            online_capacity=300,
            contact_name="Admin Kalteng",
        ),
        [event_services.SessionData(day=soon + timedelta(days=7), start=time(13), end=time(15))],
    )
    event_services.add_person(
        admin,
        webinar,
        event_services.PersonData(
            role=PersonRole.NARASUMBER,
            name="Dr. Agus Siswadi, S.Sos., M.Si.",
            title="Kepala Dinas",
            institution="Diskominfosantik Provinsi Kalimantan Tengah",
            topic="Ekosistem informasi daerah",
        ),
    )
    event_services.add_person(
        admin,
        webinar,
        event_services.PersonData(
            role=PersonRole.MODERATOR, name="Nur Aini", institution="KIM Kotabesi Bersinar"
        ),
    )
    event_services.publish_event(admin, webinar)
    _demo_registration_questions(admin, webinar)


def _demo_registration_questions(admin, webinar) -> None:
    """The webinar's form asks two questions of its own."""
    from eventapp.questionnaires import services as forms
    from eventapp.questionnaires.models import Purpose

    questions = forms.create(admin, webinar, Purpose.REGISTRATION, utcnow())
    sources = ["Grup WhatsApp KIM", "Media sosial Diskominfo", "Radio", "Teman atau kerabat"]
    for data in (
        forms.QuestionData(
            "pilihan", "Dari mana Anda mengetahui webinar ini?", required=True, options=sources
        ),
        forms.QuestionData(
            "paragraf",
            "Pertanyaan untuk narasumber",
            help_text="Pertanyaan terpilih dibacakan moderator.",
        ),
    ):
        forms.save_question(admin, questions, data, utcnow())


# The bimtek's test: (question, options, right option counted from 1).
DEMO_TEST = [
    ("Unsur berita yang menjawab 'di mana' disebut…", ["Siapa", "Tempat", "Waktu"], 2),
    ("Foto kegiatan desa sebaiknya diambil…", ["Membelakangi cahaya", "Dengan cahaya dari depan objek"], 2),
    ("Judul berita yang baik…", ["Singkat dan memuat inti berita", "Panjang dan lengkap"], 1),
    (
        "Sebelum membagikan informasi di grup WhatsApp, KIM sebaiknya…",
        ["Langsung meneruskan", "Memeriksa sumbernya"],
        2,
    ),
    ("Media sosial KIM dikelola…", ["Oleh ketua saja", "Bergantian sesuai jadwal tim"], 2),
]


def _demo_tests_and_evaluation(organizer, bimtek, registrations, speaker) -> None:
    """The bimtek's pre-test, post-test and evaluation, answered by those who came: scores
    rise after the training, and the evaluation is a certificate condition."""
    from eventapp.questionnaires import services as forms
    from eventapp.questionnaires.models import Purpose

    session = bimtek.sessions[0]
    made = {}
    for purpose in (Purpose.PRETEST, Purpose.POSTTEST):
        made[purpose] = forms.create(organizer, bimtek, purpose, utcnow())
        for label, options, right in DEMO_TEST:
            forms.save_question(
                organizer,
                made[purpose],
                forms.QuestionData("soal", label, options=options, correct_option=right),
                utcnow(),
            )
    forms.save_settings(
        organizer,
        made[Purpose.POSTTEST],
        forms.SettingsData(title="Post-test", time_limit_minutes=15, max_attempts=2, pass_percent=60),
        utcnow(),
    )
    evaluation = forms.create(organizer, bimtek, Purpose.EVALUATION, utcnow())
    for data in (
        forms.QuestionData(
            "skala",
            "Materi bermanfaat untuk tugas KIM",
            required=True,
            low_label="Tidak",
            high_label="Sangat",
        ),
        forms.QuestionData("skala", "Penyampaian narasumber", required=True, per_speaker=True),
        forms.QuestionData("ya_tidak", "Apakah Anda ingin mengikuti bimtek lanjutan?", required=True),
        forms.QuestionData("paragraf", "Saran untuk kegiatan berikutnya"),
    ):
        forms.save_question(organizer, evaluation, data, utcnow())
    forms.save_settings(
        organizer,
        evaluation,
        forms.SettingsData(title="Evaluasi bimtek", required_for_certificate=True),
        utcnow(),
    )
    forms.save_as_template(organizer, evaluation, "Evaluasi standar Diskominfo", utcnow())
    advice = ["Waktu praktik ditambah.", "Materi foto sangat membantu.", "", "Adakan juga di kecamatan lain."]
    for n, person in enumerate(registrations):
        before = session.starts_at - timedelta(minutes=30)
        after = session.ends_at + timedelta(minutes=10 + n)
        for purpose, at, knows in ((Purpose.PRETEST, before, n % 3), (Purpose.POSTTEST, after, 3 + n % 3)):
            test = made[purpose]
            forms.start_attempt(test, person, at)
            answers = {
                q.field_name: [str(q.correct_option if k < knows else 1 - (q.correct_option or 0) % 2)]
                for k, q in enumerate(test.questions)
            }
            forms.submit(test, person, answers, at + timedelta(minutes=8))
        if n % 4 != 3:  # a few never filled in the evaluation, so have no certificate yet
            scale, by_speaker, again, saran = evaluation.questions
            forms.submit(
                evaluation,
                person,
                {
                    scale.field_name: [str(3 + n % 3)],
                    f"{by_speaker.field_name}_{speaker.id}": [str(4 + n % 2)],
                    again.field_name: ["ya" if n % 5 else "tidak"],
                    saran.field_name: [advice[n % 4]],
                },
                after + timedelta(minutes=20),
            )


def _demo_past_and_private(organizer, kotim_office, kotim, kotim_kims, upload_dir) -> None:
    """What an office has after a while: a bimtek that took place, with attendance and
    certificates, and an invitation-only rakor for the KIM chairs."""
    from eventapp.attendance import services as attendance
    from eventapp.certificates import services as certificates
    from eventapp.certificates.models import DEFAULT_WORDING
    from eventapp.registration import invitations
    from eventapp.registration import services as registration

    now = utcnow()
    held = now.date() - timedelta(days=10)
    bimtek = event_services.create_event(
        organizer,
        kotim_office,
        event_services.EventData(
            title="Bimtek Pengelolaan Konten Informasi Desa",
            kind=EventKind.BIMTEK,
            mode=EventMode.LURING,
            audience=Audience.KIM,
            region_id=kotim.id,
            description="Pelatihan menulis berita desa, memotret dan mengelola media sosial KIM.",
            venue_name="Aula Diskominfo Kabupaten Kotawaringin Timur, Sampit",
            venue_capacity=40,
            contact_name="Rina Kartika",
            contact_phone="081250099001",
        ),
        [event_services.SessionData(day=held, start=time(9), end=time(15))],
    )
    event_services.publish_event(organizer, bimtek)
    session = bimtek.sessions[0]
    speaker = event_services.add_person(
        organizer,
        bimtek,
        event_services.PersonData(
            role=PersonRole.NARASUMBER, name="Siti Mahmudah, S.I.Kom.", topic="Menulis berita desa"
        ),
    )
    members = [member for kim in kotim_kims for member in kim.members]
    came = []
    for n, member in enumerate(members):
        added = registration.add_by_organizer(
            organizer,
            bimtek,
            registration.RegistrantData.of_member(member),
            now,
        )
        if n % 5 != 4:  # one in five did not come
            attendance.check_in(organizer, bimtek, session, added.registration, session.starts_at)
            came.append(added.registration)
    _demo_tests_and_evaluation(organizer, bimtek, came, speaker)
    certificates.save_settings(
        organizer,
        bimtek,
        enabled=True,
        design="klasik",
        number_pattern=certificates.DEFAULT_PATTERN,
        event_code="BIMTEK-KID",
        wording={str(role): dict(text) for role, text in DEFAULT_WORDING.items()},
        signatories=[
            certificates.SignatoryData(
                "Marjuki, S.Sos., M.AP.", "Kepala Dinas Komunikasi dan Informatika", "197305121993031004"
            )
        ],
        upload_dir=upload_dir,
    )
    certificates.issue_all(organizer, bimtek, now)
    event_services.finish_event(organizer, bimtek)

    rakor = event_services.create_event(
        organizer,
        kotim_office,
        event_services.EventData(
            title="Rapat Koordinasi Ketua KIM se-Kotawaringin Timur",
            kind=EventKind.RAKOR,
            mode=EventMode.LURING,
            audience=Audience.UNDANGAN,
            region_id=kotim.id,
            venue_name="Ruang Rapat Diskominfo Kotim",
            venue_capacity=20,
        ),
        [event_services.SessionData(day=now.date() + timedelta(days=5), start=time(9), end=time(11))],
    )
    event_services.publish_event(organizer, rakor)
    invitations.invite_kims(organizer, rakor, [kim.id for kim in kotim_kims], chairs_only=True)


def _demo_now_and_next(organizer, kotim_office, kotim, kotim_kims) -> None:
    """What is going on this week: a webinar under way right now, full with people waiting
    and its attendance code open, and a two-day bimtek taking registrations."""
    from eventapp.attendance import services as attendance
    from eventapp.registration import services as registration

    now = utcnow()
    # Started up to 40 minutes ago and two hours long, within today: a session keeps to one
    # day, so just after midnight it starts at 00.00 and late at night it runs until midnight.
    local = utc_to_local(now, "Asia/Jakarta")
    begun = (local - timedelta(minutes=40)).replace(second=0, microsecond=0)
    start = begun.time() if begun.date() == local.date() else time()
    finishes = datetime.combine(local.date(), start) + timedelta(hours=2)
    end = finishes.time() if finishes.date() == local.date() else time.max
    webinar = event_services.create_event(
        organizer,
        kotim_office,
        event_services.EventData(
            title="Webinar Cek Fakta untuk Pengelola KIM",
            kind=EventKind.WEBINAR,
            mode=EventMode.DARING,
            audience=Audience.KIM,
            region_id=kotim.id,
            description="Cara memeriksa kabar yang beredar di grup WhatsApp desa sebelum dibagikan.",
            online_url="https://zoom.us/j/0000000001",
            online_passcode="CEKFAKTA",
            online_capacity=8,
            contact_name="Rina Kartika",
            contact_phone="081250099001",
        ),
        [event_services.SessionData(day=local.date(), start=start, end=end)],
    )
    event_services.publish_event(organizer, webinar)
    signed_up = now - timedelta(days=3)
    members = [member for kim in kotim_kims for member in kim.members if member.phone][:11]
    people = [
        registration.register(
            webinar,
            registration.RegistrantData.of_member(member, attendance_mode=EventMode.DARING, consent=True),
            signed_up + timedelta(minutes=n),
        ).registration
        for n, member in enumerate(members)
    ]
    session = webinar.sessions[0]
    window = attendance.open_code_window(organizer, session, 120, now, attendance.CodeWindowRule())
    for person in people[:5]:
        attendance.submit_code(window.code, person.code, now)

    first_day = now.date() + timedelta(days=21)
    bimtek = event_services.create_event(
        organizer,
        kotim_office,
        event_services.EventData(
            title="Bimtek Jurnalistik Warga bagi KIM Kotawaringin Timur",
            kind=EventKind.BIMTEK,
            mode=EventMode.LURING,
            audience=Audience.KIM,
            region_id=kotim.id,
            description="Dua hari praktik menulis berita, wawancara dan foto untuk media KIM.",
            venue_name="Aula Diskominfo Kabupaten Kotawaringin Timur, Sampit",
            venue_address="Jl. Jenderal Sudirman Km 5,5, Sampit",
            venue_capacity=30,
            contact_name="Rina Kartika",
            contact_phone="081250099001",
        ),
        [
            event_services.SessionData(
                day=first_day, start=time(8), end=time(15), title="Hari 1: Menulis berita"
            ),
            event_services.SessionData(
                day=first_day + timedelta(days=1),
                start=time(8),
                end=time(15),
                title="Hari 2: Foto dan wawancara",
            ),
        ],
    )
    event_services.add_person(
        organizer,
        bimtek,
        event_services.PersonData(
            role=PersonRole.NARASUMBER,
            name="Yuni Lestari, S.I.Kom.",
            title="Redaktur",
            institution="Radar Sampit",
            topic="Menulis berita desa yang dipercaya warga",
        ),
    )
    event_services.publish_event(organizer, bimtek)
    for member in members[:6]:
        registration.add_by_organizer(
            organizer,
            bimtek,
            registration.RegistrantData.of_member(member),
            now,
        )


def load(upload_dir) -> None:
    """Create regions, offices, accounts, KIM and events for a first look at the app."""
    import_regions("Kalimantan Tengah")
    kalteng = _region(None, RegionLevel.PROVINSI, "Kalimantan Tengah")
    kotim = _region(kalteng, RegionLevel.KABUPATEN, "Kotawaringin Timur")

    province_office = accounts.create_organization(
        None,
        accounts.OrganizationData(
            name="Diskominfosantik Provinsi Kalimantan Tengah",
            level=OrganizationLevel.PROVINSI,
            region_id=kalteng.id,
            address="Jl. S. Parman No. 1, Palangka Raya",
            phone="(0536) 3221234",
            email="diskominfosantik@kalteng.example",
            website="https://diskominfosantik.kalteng.go.id",
            letterhead="PEMERINTAH PROVINSI KALIMANTAN TENGAH\n"
            "DINAS KOMUNIKASI, INFORMATIKA, PERSANDIAN DAN STATISTIK\n"
            "Jl. S. Parman No. 1, Palangka Raya 73112",
            city="Palangka Raya",
            signatory_name="Dr. Agus Siswadi, S.Sos., M.Si.",
            signatory_nip="197008171990031005",
            signatory_title="Kepala Dinas",
        ),
    )
    kotim_office = accounts.create_organization(
        None,
        accounts.OrganizationData(
            name="Diskominfo Kabupaten Kotawaringin Timur",
            level=OrganizationLevel.KABUPATEN_KOTA,
            region_id=kotim.id,
            address="Jl. Jenderal Sudirman Km 5,5, Sampit",
            phone="(0531) 21234",
            email="diskominfo@kotimkab.example",
            website="https://diskominfo.kotimkab.go.id",
            letterhead="PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR\n"
            "DINAS KOMUNIKASI DAN INFORMATIKA\n"
            "Jl. Jenderal Sudirman Km 5,5, Sampit 74322",
            city="Sampit",
            signatory_name="Marjuki, S.Sos., M.AP.",
            signatory_nip="197305121993031004",
            signatory_title="Kepala Dinas Komunikasi dan Informatika",
        ),
    )

    admin = accounts.create_user(
        None,
        accounts.UserData(DEMO_ACCOUNTS[0][0], "Admin Kalteng", Role.ADMIN, province_office.id),
        DEMO_PASSWORD,
    )
    organizer = accounts.create_user(
        None,
        accounts.UserData(
            DEMO_ACCOUNTS[1][0], "Rina Kartika (Diskominfo Kotim)", Role.ORGANIZER, kotim_office.id
        ),
        DEMO_PASSWORD,
    )
    accounts.create_user(
        None,
        accounts.UserData(DEMO_ACCOUNTS[2][0], "Petugas Presensi Kotim", Role.CHECKIN, kotim_office.id),
        DEMO_PASSWORD,
    )

    kotim_kims = []
    for number, name, kab, kec, desa, founded, members in DEMO_KIM:
        kabupaten = _region(kalteng, RegionLevel.KABUPATEN, kab)
        village = _region(_region(kabupaten, RegionLevel.KECAMATAN, kec), RegionLevel.DESA, desa)
        office, actor = (kotim_office, organizer) if kabupaten is kotim else (province_office, admin)
        kim = kim_services.create_kim(
            actor,
            office,
            kim_services.KimData(
                name=name,
                registration_number=number,
                village_id=village.id,
                founded_on=founded,
                address=f"Sekretariat {name}, Desa/Kel. {village.name}",
                decree_number=f"188.45/{number[-3:]}/DISKOMINFO/{founded.year}",
            ),
        )
        if office is kotim_office:
            kotim_kims.append(kim)
        for member_name, position, gender, year, occupation, phone in members:
            kim_services.add_member(
                actor,
                kim,
                kim_services.MemberData(
                    name=member_name,
                    position=position,
                    gender=gender,
                    birth_year=year,
                    occupation=occupation,
                    phone=phone,
                ),
                utcnow(),
            )
    _demo_events(organizer, kotim_office, kotim, admin, province_office)
    _demo_past_and_private(organizer, kotim_office, kotim, kotim_kims, upload_dir)
    _demo_now_and_next(organizer, kotim_office, kotim, kotim_kims)
