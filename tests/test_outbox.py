"""The outbox under a failing mail server: retried with backoff for days, delivered exactly once,
given up only with a reason an admin sees and can send again."""

import asyncio
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select

from eventapp.accounts.models import Role
from eventapp.dbtypes import utcnow
from eventapp.outbox.jobs import sweep
from eventapp.outbox.models import OutboxMessage, OutboxStatus
from eventapp.registration import services as registration
from tests.conftest import post_form
from tests.factories import registrant


@contextmanager
def smtp_down(smtp_server):
    """The loopback SMTP server is stopped: connections are refused until it starts again."""
    smtp_server.stop()
    try:
        yield
    finally:
        smtp_server.loop = asyncio.new_event_loop()  # stop() closed the old one
        smtp_server.start()


def _statuses(db) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_an_hour_of_smtp_outage_loses_nothing_and_sends_each_message_once(
    db, smtp_server, mailbox, make_org, make_event
):
    event = make_event(make_org())
    start = utcnow()
    with smtp_down(smtp_server):
        for n in range(3):
            registration.register(
                event,
                registrant(
                    name=f"Peserta {n}", phone=f"08137777000{n}", email=f"p{n}@desa.id", notify_by="email"
                ),
                start,
            )
        for minute in range(1, 61):
            sweep(start + timedelta(minutes=minute))
        db.session.expire_all()
        assert _statuses(db) == [OutboxStatus.PENDING] * 3
        attempts = db.session.scalars(select(OutboxMessage.attempts)).all()
        assert set(attempts) == {6}  # tried at 0, 1, 3, 7, 15 and 31 minutes, not every minute
    assert mailbox == []
    for minute in range(61, 240):
        sweep(start + timedelta(minutes=minute))
    db.session.expire_all()
    assert _statuses(db) == [OutboxStatus.SENT] * 3
    assert sorted(str(message["To"]) for message in mailbox) == ["p0@desa.id", "p1@desa.id", "p2@desa.id"]


def test_a_message_is_given_up_after_three_days_with_a_reason_and_can_be_sent_again(
    app, client, login, db, smtp_server, mailbox, make_org, make_user, make_event
):
    event = make_event(make_org())
    start = utcnow()
    with smtp_down(smtp_server):
        registration.register(event, registrant(email="rina@desa.id", notify_by="email"), start)
        for hour in range(1, 24 * 3 + 2):
            sweep(start + timedelta(hours=hour))
            db.session.expire_all()
            status = db.session.scalar(select(OutboxMessage.status))
            if hour < 48:
                assert status == OutboxStatus.PENDING, hour  # still retried after two days
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.FAILED
    assert message.last_error.startswith("Server e-mail tidak dapat dihubungi")

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "failed"])
    assert "rina@desa.id" in listed.output and "1 pesan gagal." in listed.output

    login(make_user(None, role=Role.ADMIN))
    page = client.get("/kelola/pesan/").get_data(as_text=True)
    assert "rina@desa.id" in page and "Server e-mail tidak dapat dihubungi" in page
    response = post_form(client, "/kelola/pesan/", {"message_ids": str(message.id)})
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT
    assert [str(m["To"]) for m in mailbox] == ["rina@desa.id"]


def test_organizers_cannot_open_the_failed_messages_page(client, login, make_org, make_user):
    login(make_user(make_org()))
    assert client.get("/kelola/pesan/").status_code == 403


def test_the_cli_sends_failed_messages_again(app, db, smtp_server, mailbox, make_org, make_event):
    event = make_event(make_org())
    start = utcnow()
    with smtp_down(smtp_server):
        registration.register(event, registrant(email="budi@desa.id", notify_by="email"), start)
        sweep(start + timedelta(days=4))
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.FAILED
    result = app.test_cli_runner().invoke(args=["outbox", "retry", "--all"])
    assert "1 pesan dikirim ulang." in result.output
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.SENT
    assert len(mailbox) == 1
