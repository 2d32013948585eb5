"""Organizer pages of every feature start from an event the signed-in user may manage."""

from flask_login import current_user

from eventapp.accounts.access import get_scoped_or_404
from eventapp.events.models import Event


def managed_event_or_404(event_id: int) -> Event:
    """The event, if the signed-in user manages its organization; 404 otherwise."""
    return get_scoped_or_404(Event, event_id, current_user)
