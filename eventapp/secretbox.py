"""Secrets an office enters (provider tokens) sealed at rest with Fernet: AES-128-CBC plus an
HMAC, keyed from the environment, so a copy of the database alone reveals none of them."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class SealBroken(ValueError):
    """A sealed value no configured key opens (the key was changed without keeping the old)."""


def _box() -> MultiFernet:
    """CREDENTIALS_KEYS is a comma-separated list of Fernet keys: the first seals, every one
    opens, so a key can be rotated. Without it (development) a key is derived from SECRET_KEY."""
    keys = [k.strip() for k in (current_app.config.get("CREDENTIALS_KEYS") or "").split(",") if k.strip()]
    if not keys:
        digest = hashlib.sha256(b"eventapp-credentials:" + current_app.config["SECRET_KEY"].encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def seal(secret: str) -> str:
    """The secret encrypted for storage; an empty secret stays empty."""
    return _box().encrypt(secret.encode()).decode() if secret else ""


def unseal(sealed: str) -> str:
    """The secret back from storage; raises SealBroken when no configured key opens it."""
    if not sealed:
        return ""
    try:
        return _box().decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise SealBroken("sealed with a key that is no longer configured") from exc
