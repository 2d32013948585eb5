"""Settings read from environment variables, with defaults that run on one laptop."""

import math
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("EVENTAPP_INSTANCE", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-secret-key-change-me"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'eventapp.sqlite'}")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    ENV_NAME = os.environ.get("EVENTAPP_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    INSTANCE_DIR = INSTANCE_DIR

    SQLALCHEMY_DATABASE_URI = _database_url()
    # A connection older than five minutes is replaced when it is next taken, instead of
    # pinging the database at every checkout (one more round trip per request); a connection
    # the server closed meanwhile fails once and the pool starts afresh.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 300}

    # Job queue: sqlite:///path (default, one file of its own) or redis://host:port/db.
    HUEY_URL = os.environ.get("HUEY_URL", f"sqlite:///{INSTANCE_DIR / 'jobs.sqlite'}")
    HUEY_IMMEDIATE = _bool("HUEY_IMMEDIATE", False)

    # A session's kode presensi opens at most this long before it starts, and stays open at
    # most this long after it ends.
    CODE_WINDOW_LEAD_MINUTES = int(os.environ.get("CODE_WINDOW_LEAD_MINUTES", "30"))
    CODE_WINDOW_GRACE_MINUTES = int(os.environ.get("CODE_WINDOW_GRACE_MINUTES", "30"))

    # No person reads and fills the registration form faster than this (a bot does).
    FORM_MIN_FILL_SECONDS = 3
    # How long an anonymous public page (an event, its registration form) is served from the
    # page cache of each worker before it is rendered again; 0 turns the cache off.
    PAGE_CACHE_SECONDS = float(os.environ.get("PAGE_CACHE_SECONDS", "5"))
    # Flask-Compress: text the app sends, Brotli first; PDFs, spreadsheets and images are
    # compressed already.
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "text/calendar",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]

    # Rate-limit counters: memory:// on one process, redis:// when several workers run.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True

    # Mail: "smtp" in production; development writes each message to a file in instance/mail.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_FILE_PATH = os.environ.get("MAIL_FILE_PATH", str(INSTANCE_DIR / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "eventapp <noreply@eventapp.example>")

    # WhatsApp: offices set up their own number (Cloud API or a gateway) in their settings.
    # Where an office has none, development writes each message to a file in instance/whatsapp.
    WHATSAPP_FILE_PATH = os.environ.get(
        "WHATSAPP_FILE_PATH", "" if ENV_NAME == "production" else str(INSTANCE_DIR / "whatsapp")
    )
    WHATSAPP_CLOUD_API_BASE = os.environ.get("WHATSAPP_CLOUD_API_BASE", "https://graph.facebook.com/v23.0")
    WHATSAPP_TIMEOUT = int(os.environ.get("WHATSAPP_TIMEOUT", "20"))
    # Fernet keys that seal provider credentials at rest, comma-separated; the first seals.
    CREDENTIALS_KEYS = os.environ.get("CREDENTIALS_KEYS", "")

    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Asia/Jakarta")

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

    # No inline script or style anywhere; Pico's form icons are data: SVG images. Participant
    # pages carry their token in the URL, so it is never sent to another site as a referrer.
    CONTENT_SECURITY_POLICY = {
        "default-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    # "Ingat saya" keeps an organizer signed in for two weeks, not Flask-Login's default year.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None

    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    # Files built by background jobs (bulk certificate downloads).
    EXPORT_DIR = Path(os.environ.get("EXPORT_DIR", INSTANCE_DIR / "exports"))
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024

    PAGE_SIZE = 25


MAKE_SECRET_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def secret_key_problem(key: str) -> str | None:
    """Why `key` is too weak to sign sessions in production, or None. A key must be at least 32
    bytes and look random: at least 100 bits by its character frequencies (Shannon), which a
    word, a repeated pattern or the development key padded out never reaches."""
    if "".join(key.split()).lower() == DEV_SECRET_KEY:
        return "SECRET_KEY masih kunci pengembangan."
    if len(key.encode()) < 32:
        return "SECRET_KEY terlalu pendek: minimal 32 byte."
    counts = [key.count(char) for char in set(key)]
    bits = -sum(count * math.log2(count / len(key)) for count in counts)
    if bits < 100:
        return "SECRET_KEY terlalu mudah ditebak: pakailah nilai acak."
    return None


def check_production_settings(config: dict) -> None:
    """Refuse to run in production with settings that are only safe on a laptop."""
    if config.get("ENV_NAME") != "production":
        return
    problem = secret_key_problem(config.get("SECRET_KEY") or "")
    if problem:
        raise RuntimeError(f"{problem} Buat kunci baru dengan: {MAKE_SECRET_KEY}")
    if not config.get("CREDENTIALS_KEYS"):
        raise RuntimeError(
            "CREDENTIALS_KEYS belum diisi: kunci ini menyegel token WhatsApp di basis data. Buat dengan: "
            "python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    if config.get("RATELIMIT_STORAGE_URI", "").startswith("memory://"):
        raise RuntimeError(
            "RATELIMIT_STORAGE_URI memory:// menghitung batas per proses, sehingga batasnya berlipat "
            "sebanyak jumlah worker. Pakai Redis, misalnya redis://127.0.0.1:6379/1."
        )
