"""The bare extension objects; create_app() binds them to the application."""

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from huey import PriorityRedisHuey, SqliteHuey
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from config import Config

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_huey(url: str) -> SqliteHuey | PriorityRedisHuey:
    """Build the job queue from a URL: sqlite:///path or redis://host:port/db. Both honour task
    priorities, so messages are not kept waiting behind long work such as bulk certificates."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("eventapp", filename=str(path))
    if parsed.scheme in {"redis", "rediss"}:
        # A sorted set under a name of its own: the plain queue this replaced was a list named
        # after "eventapp", and whatever it still held is picked up by the sweeps.
        return PriorityRedisHuey("eventapp-jobs", url=url)
    raise ValueError(f"HUEY_URL must start with sqlite:// or redis://, got {url!r}")


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, and WAL lets the web app read while the
    job worker writes."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL keeps the database consistent through crashes and skips an fsync per
    # commit; only a power cut can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


class Base(DeclarativeBase):
    """The models' declarative base: constraint names follow NAMING_CONVENTION."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects keep their loaded values after a commit: a request's session ends soon after, and
# reading them again would cost a query per object.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# What models derive from. db.Model is Base plus Flask-SQLAlchemy's table naming and query
# helpers, made at run time, which a type checker cannot follow; it checks against Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)
# The queue is built at import time because the consumer imports this object by name.
huey = make_huey(os.environ.get("HUEY_URL", Config.HUEY_URL))
