"""The data tests and benchmarks start from, built through the app's own services: offices,
staff, events, registrants, and sessions placed in time. Plain functions (no pytest), so
bench/ uses them too; conftest.py wraps some of them in fixtures."""

from datetime import datetime, time, timedelta

from eventapp.accounts import services as accounts
from eventapp.accounts.models import Organization, OrganizationLevel, Role, User
from eventapp.dbtypes import utcnow
from eventapp.events import services as events
from eventapp.events.models import Event, EventSession
from eventapp.extensions import db
from eventapp.registration.services import RegistrantData

PASSWORD = "kata-sandi-uji-123"
KOTIM = "Diskominfo Kabupaten Kotawaringin Timur"


def system_actor() -> User:
    """An admin that is not stored: the actor of set-up steps that no person takes."""
    return User(role=Role.ADMIN, email="system@example.org", name="system")


def office(name: str = KOTIM, region_id: int | None = None, **fields) -> Organization:
    """A kabupaten/kota office; the signatory fields and the rest of OrganizationData as given."""
    data = accounts.OrganizationData(
        name=name, level=OrganizationLevel.KABUPATEN_KOTA, region_id=region_id, **fields
    )
    return accounts.create_organization(None, data)


def staff(
    org: Organization | None, email: str, role: str = Role.ORGANIZER, password: str = PASSWORD, **fields
) -> User:
    """A user of `org` (None for an admin) who signs in with `password`; other UserData fields
    (name, active) as given."""
    data = accounts.UserData(
        email=email, role=role, organization_id=org.id if org else None, **{"name": "Pengguna Uji", **fields}
    )
    return accounts.create_user(None, data, password)


def event(org: Organization, sessions=None, publish: bool = True, **overrides) -> Event:
    """An event of `org`: unless told otherwise a published in-person sosialisasi tomorrow,
    09.00–12.00 WIB, with 50 seats."""
    values = {
        "title": "Sosialisasi Uji",
        "kind": "sosialisasi",
        "mode": "luring",
        "audience": "umum",
        "venue_name": "Aula Kecamatan Kota Besi",
        "venue_capacity": 50,
        "timezone": "Asia/Jakarta",
        **overrides,
    }
    day = (utcnow() + timedelta(days=1)).date()
    sessions = sessions or [events.SessionData(day=day, start=time(9), end=time(12))]
    created = events.create_event(system_actor(), org, events.EventData(**values), sessions)
    if publish:
        events.publish_event(system_actor(), created)
    return created


def registrant(**overrides) -> RegistrantData:
    """What a participant outside any KIM types on the form, with consent."""
    values = {
        "name": "Peserta Uji",
        "phone": "081377770001",
        "gender": "P",
        "occupation": "lainnya",
        "institution": "Kantor Desa Camba",
        "consent": True,
        **overrides,
    }
    return RegistrantData(**values)


def form_fields(name: str, phone: str, **overrides) -> dict:
    """What a person outside any KIM fills in on the public registration form, as posted."""
    return {
        "name": name,
        "phone": phone,
        "gender": "P",
        "occupation": "petani",
        "kim_id": "-1",
        "institution": "Desa Camba",
        "consent": "y",
        **overrides,
    }


def evaluation_for_certificate(event: Event):
    """An evaluation the certificate waits for: a required 1-5 scale and a suggestion box."""
    from eventapp.questionnaires import services as forms
    from eventapp.questionnaires.models import Purpose

    evaluation = forms.create(system_actor(), event, Purpose.EVALUATION, utcnow())
    for data in (
        forms.QuestionData("skala", "Materi bermanfaat", required=True),
        forms.QuestionData("paragraf", "Saran"),
    ):
        forms.save_question(system_actor(), evaluation, data, utcnow())
    settings = forms.SettingsData(title="Evaluasi", required_for_certificate=True)
    forms.save_settings(system_actor(), evaluation, settings, utcnow())
    return evaluation


def arrived(session: EventSession, minutes: int = 10) -> datetime:
    """The moment someone came in: a few minutes after the session started (the desk records
    attendance on the session's own day)."""
    return session.starts_at + timedelta(minutes=minutes)


def under_way(session: EventSession) -> None:
    """Move a session to now, keeping its length: it started half an hour ago."""
    length = session.ends_at - session.starts_at
    session.starts_at = utcnow() - timedelta(minutes=30)
    session.ends_at = session.starts_at + length
    db.session.commit()


def took_place(event: Event) -> None:
    """Move the event's one session into the past, as if it had been held (certificates are
    issued only after an event's last session)."""
    session = event.sessions[0]
    session.starts_at, session.ends_at = utcnow() - timedelta(hours=5), utcnow() - timedelta(hours=1)
    db.session.commit()
