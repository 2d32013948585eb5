"""Who may see what: the single place where roles and organization scoping are enforced.

Every organizer blueprint declares its roles with `require_roles`, and every query or lookup
of organization-owned rows goes through `scoped` or `get_scoped_or_404`, so an organizer of one
Diskominfo can neither list nor open another office's data, even by guessing an ID.
"""

from collections.abc import Callable

from flask import abort
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import Select, select

from eventapp.accounts.models import Role, User
from eventapp.errors import PermissionDenied
from eventapp.extensions import db, login_manager


def require_roles(*roles: Role) -> Callable[[], None]:
    """A before_request hook: log in first, then be one of `roles`, else 403."""

    def check():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)
        return None

    return check


def per_account() -> str:
    """Rate-limit key for staff pages: the signed-in account, so one desk's scanning does not
    eat the limit of another desk behind the same office router."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def scoped(model, actor: User, stmt: Select | None = None) -> Select:
    """`stmt` (default: select all of `model`) narrowed to the actor's organization."""
    stmt = select(model) if stmt is None else stmt
    if actor.is_admin:
        return stmt
    return stmt.where(model.organization_id == actor.organization_id)


def can_manage(actor: User, organization_id: int) -> bool:
    return actor.is_admin or actor.organization_id == organization_id


def require_manager(actor: User, organization_id: int) -> None:
    """The services' check: refuse an actor who may not manage this office's data."""
    if not can_manage(actor, organization_id):
        raise PermissionDenied(_("Data ini milik organisasi lain; Anda tidak dapat mengubahnya."))


def get_scoped_or_404(model, ident: int, actor: User, owner_column: str = "organization_id"):
    """Load one row the actor may see; anything else is 'not found', never 'forbidden',
    so that guessing IDs tells nothing about other offices' data. `owner_column` names the
    attribute holding the owning organization's id ("id" for an Organization itself)."""
    obj = db.session.get(model, ident)
    if obj is None or not can_manage(actor, getattr(obj, owner_column)):
        abort(404)
    return obj
