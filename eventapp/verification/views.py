"""The code step every page that asks for a proven contact shares, and the hook that makes an
event's registration wait for one."""

from collections.abc import Iterable
from datetime import datetime

from flask import Flask, has_request_context, render_template

from eventapp.errors import DomainError
from eventapp.events.models import Event
from eventapp.outbox import catalogue
from eventapp.phones import mask_contact
from eventapp.registration.services import checking_contact
from eventapp.verification import proofs, services
from eventapp.verification.forms import CodeForm


class ContactUnproven(DomainError):
    """The event asks for a verified contact and this one is not proven yet."""

    code = "contact_unproven"

    def __init__(self, contact: str):
        super().__init__("", self.code)
        self.contact = contact


def _require_proof(event: Event, phone: str | None, email: str | None, now: datetime) -> None:
    """Before a new registration takes a seat: the phone (or, without one, the e-mail) it gives
    must have been proven in this browser, when the event asks for it."""
    if not event.verify_contact:
        return
    contact = phone or email or ""
    if not (has_request_context() and proofs.proven(contact, now)):
        raise ContactUnproven(contact)


def send_or_say(contact: str, organization_id: int, now: datetime) -> str:
    """Send a code; the reason when none could be sent (too soon, too many), else ''."""
    try:
        services.send_code(contact, organization_id, now)
    except services.CodeRefused as refused:
        return refused.message
    return ""


def code_page(
    contact: str,
    hidden: Iterable[tuple[str, str]],
    title: str,
    problem: str = "",
):
    """The page that asks for the code sent to `contact`; `hidden` are the fields the page
    posts back with it, so nothing typed before is lost. Its buttons post `verification_code`,
    or `resend`, or `edit` (back to the form, as it was typed)."""
    form = CodeForm(formdata=None)
    if problem:
        form.verification_code.errors = [problem]
    return render_template(
        "verification/code.html",
        form=form,
        masked=mask_contact(contact),
        by_whatsapp="@" not in contact,
        hidden=list(hidden),
        title=title,
        minutes=catalogue.CODE_MINUTES,
    )


def init_app(app: Flask) -> None:
    checking_contact.connect(_require_proof)
