"""Accounts and organizations: signing in, managing users, the office profile and its logo."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from eventapp.accounts.models import Organization, Role, User
from eventapp.errors import DomainError, PermissionDenied, ValidationFailed
from eventapp.extensions import db
from eventapp.outbox.jobs import send_committed
from eventapp.outbox.services import queue_email
from eventapp.uploads import delete_image, store_image

MIN_PASSWORD_LENGTH = 10
RESET_TOKEN_MAX_AGE = 2 * 60 * 60
LOGO_MAX_BYTES = 1024 * 1024


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@cache
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str, now: datetime) -> User:
    """Check e-mail and password; record the login. One message for every failure, and the
    same time taken for unknown e-mails, so neither tells which addresses have accounts."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_unknown_user_hash(), password)
    if user is None or not user.check_password(password) or not user.active:
        raise DomainError(_("E-mail atau kata sandi salah."), "bad_credentials")
    user.last_login_at = now
    db.session.commit()
    return user


def _check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("Kata sandi minimal %(n)d karakter.", n=MIN_PASSWORD_LENGTH), "weak_password"
        )


@dataclass
class UserData:
    email: str
    name: str
    role: str
    organization_id: int | None
    active: bool = True


def _validate_user_data(data: UserData, existing: User | None) -> None:
    other = find_user_by_email(data.email)
    if other is not None and other is not existing:
        raise ValidationFailed(_("E-mail ini sudah dipakai akun lain."), "email_taken")
    if data.role != Role.ADMIN and data.organization_id is None:
        raise ValidationFailed(_("Pilih organisasi untuk akun selain admin."), "organization_required")
    if data.role != Role.ADMIN and db.session.get(Organization, data.organization_id) is None:
        raise ValidationFailed(_("Organisasi yang dipilih tidak ditemukan."), "organization_required")
    if data.role not in set(Role):
        raise ValidationFailed(_("Peran tidak dikenal."), "role_unknown")


def create_user(actor: User | None, data: UserData, password: str) -> User:
    """Create an organizer, check-in or admin account (admins only; None = the CLI)."""
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(_("Hanya admin yang dapat membuat akun."))
    _validate_user_data(data, None)
    _check_password_strength(password)
    user = User(
        email=data.email.strip().lower(),
        name=data.name.strip(),
        role=data.role,
        organization_id=None if data.role == Role.ADMIN else data.organization_id,
        active=data.active,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def update_user(actor: User, user: User, data: UserData, new_password: str | None) -> User:
    """Change an account's details, role, organization or password (admins only)."""
    if not actor.is_admin:
        raise PermissionDenied(_("Hanya admin yang dapat mengubah akun."))
    _validate_user_data(data, user)
    if user.id == actor.id and (data.role != Role.ADMIN or not data.active):
        raise ValidationFailed(
            _("Anda tidak dapat mencabut hak admin atau menonaktifkan akun Anda sendiri."),
            "self_demotion",
        )
    user.email = data.email.strip().lower()
    user.name = data.name.strip()
    user.role = data.role
    user.organization_id = None if data.role == Role.ADMIN else data.organization_id
    if user.active and not data.active:
        user.end_sessions()
    user.active = data.active
    if new_password:
        _check_password_strength(new_password)
        user.set_password(new_password)
    db.session.commit()
    return user


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """A signed-in person replaces their password after proving the current one."""
    if not user.check_password(current_password):
        raise ValidationFailed(_("Kata sandi saat ini salah."), "bad_current_password")
    _check_password_strength(new_password)
    user.set_password(new_password)
    db.session.commit()


def end_sessions(user: User) -> None:
    """Sign an account out on every device."""
    user.end_sessions()
    db.session.commit()


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def request_password_reset(email: str, secret_key: str, base_url: str) -> None:
    """Mail a time-limited link to set a new password; silent for unknown addresses."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    # The token carries a piece of the current hash, so it dies once the password changes.
    token = _reset_serializer(secret_key).dumps({"u": user.id, "h": user.password_hash[-12:]})
    link = f"{base_url.rstrip('/')}/kelola/sandi/{token}"
    message = queue_email(
        user.email,
        _("Atur ulang kata sandi eventapp"),
        _(
            "Halo %(name)s,\n\nSeseorang (semoga Anda) meminta pengaturan ulang kata sandi akun "
            "eventapp. Buka tautan berikut dalam 2 jam untuk membuat kata sandi baru:\n\n%(link)s\n\n"
            "Jika Anda tidak memintanya, abaikan e-mail ini; kata sandi Anda tidak berubah.",
            name=user.name,
            link=link,
        ),
    )
    db.session.commit()
    send_committed(message)


def reset_password(token: str, new_password: str, secret_key: str) -> User:
    """Set a new password from a reset link."""
    try:
        payload = _reset_serializer(secret_key).loads(token, max_age=RESET_TOKEN_MAX_AGE)
    except SignatureExpired:
        raise DomainError(_("Tautan sudah kedaluwarsa. Minta tautan baru."), "token_expired")
    except BadSignature:
        raise DomainError(_("Tautan tidak valid."), "token_invalid")
    user = db.session.get(User, payload.get("u"))
    if user is None or not user.active or user.password_hash[-12:] != payload.get("h"):
        raise DomainError(_("Tautan sudah dipakai atau tidak valid."), "token_used")
    _check_password_strength(new_password)
    user.set_password(new_password)
    db.session.commit()
    return user


@dataclass
class OrganizationData:
    name: str
    level: str
    region_id: int | None
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    letterhead: str = ""
    city: str = ""
    signatory_name: str = ""
    signatory_nip: str = ""
    signatory_title: str = ""


def _apply_organization_data(org: Organization, data: OrganizationData) -> None:
    for field, value in vars(data).items():
        setattr(org, field, value.strip() if isinstance(value, str) else value)


def _check_name_free(name: str, existing: Organization | None) -> None:
    other = db.session.scalar(
        select(Organization).where(func.lower(Organization.name) == name.strip().lower())
    )
    if other is not None and other is not existing:
        raise ValidationFailed(_("Nama organisasi ini sudah terdaftar."), "organization_name_taken")


def create_organization(actor: User | None, data: OrganizationData) -> Organization:
    """Register a Diskominfo unit (admins only; None = the CLI or demo loader)."""
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(_("Hanya admin yang dapat menambah organisasi."))
    _check_name_free(data.name, None)
    org = Organization()
    _apply_organization_data(org, data)
    db.session.add(org)
    db.session.commit()
    return org


def update_organization(
    actor: User, org: Organization, data: OrganizationData, logo: bytes | None, upload_dir: Path
) -> Organization:
    """Edit an office profile: contact, kop surat, signatory and logo."""
    if not (actor.is_admin or (actor.role == Role.ORGANIZER and actor.organization_id == org.id)):
        raise PermissionDenied(_("Anda tidak dapat mengubah organisasi ini."))
    _check_name_free(data.name, org)
    if not actor.is_admin:
        # Only admins move an office to another level or region.
        data.level, data.region_id = org.level, org.region_id
    new_logo = _store_logo(logo, upload_dir) if logo else None
    old_logo = org.logo_filename
    _apply_organization_data(org, data)
    if new_logo:
        org.logo_filename = new_logo
    db.session.commit()
    if new_logo:
        delete_image(upload_dir / "logos", old_logo)
    return org


def _store_logo(content: bytes, upload_dir: Path) -> str:
    return store_image(content, upload_dir / "logos", LOGO_MAX_BYTES, 600, "logo")
