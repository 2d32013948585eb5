"""The code step every page that asks for a proven contact shares, and the hook that makes an
event's registration wait for one."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, has_request_context, render_template, request
from flask_babel import gettext as _

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
        super().__init__(_("Verifikasi nomor Anda dengan kode terlebih dahulu."), self.code)
        self.contact = contact


def _require_proof(event: Event, phone: str | None, email: str | None, now: datetime) -> None:
    """Before a new registration takes a seat: the phone (or, without one, the e-mail) it gives
    must have been proven in this browser, when the event asks for it."""
    if not event.verify_contact:
        return
    contact = phone or email or ""
    if not (has_request_context() and proofs.proven(contact, proofs.REGISTRATION, now)):
        raise ContactUnproven(contact)


@dataclass
class Step:
    """Where a person is with a code: proven, or still on the code page with what went wrong
    with the code typed (`problem`) or with sending one (`notice`)."""

    proven: bool
    problem: str = ""
    notice: str = ""


def code_step(contact: str, purpose: str, organization_id: int | None, what_for: str, now: datetime) -> Step:
    """Take the code page's post: a code typed is checked (and the contact remembered as
    proven for `purpose`); otherwise (first time, or 'kirim ulang') a code is sent."""
    typed = request.form.get("verification_code")
    if typed is not None and "resend" not in request.form:
        try:
            proofs.prove(contact, typed, purpose, now)
        except services.CodeRefused as refused:
            return Step(False, problem=refused.message)
        return Step(True)
    try:
        services.send_code(contact, purpose, organization_id, what_for, now)
    except services.CodeRefused as refused:
        return Step(False, notice=refused.message)
    return Step(False)


def code_page(contact: str, hidden: Iterable[tuple[str, str]], title: str, step: Step):
    """The page that asks for the code sent to `contact`; `hidden` are the fields the page
    posts back with it, so nothing typed before is lost. Its buttons post `verification_code`,
    or `resend`, or `edit` (back to the form, as it was typed)."""
    form = CodeForm(formdata=None)
    if step.problem:
        form.verification_code.errors = [step.problem]
    return render_template(
        "verification/code.html",
        form=form,
        masked=mask_contact(contact),
        by_whatsapp="@" not in contact,
        hidden=list(hidden),
        title=title,
        notice=step.notice,
        minutes=catalogue.CODE_MINUTES,
    )


def init_app(app: Flask) -> None:
    checking_contact.connect(_require_proof)
