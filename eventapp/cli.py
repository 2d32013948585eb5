"""Command-line tools: `flask create-admin`, `flask regions import`, `flask demo load`,
`flask outbox failed|retry`."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from eventapp.accounts import services as accounts
from eventapp.accounts.models import Role, User
from eventapp.dbtypes import utcnow
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.outbox import services as outbox
from eventapp.outbox.jobs import send_committed
from eventapp.regions import services as regions

regions_cli = AppGroup("regions", help="Wilayah administratif (provinsi sampai desa/kelurahan).")
demo_cli = AppGroup("demo", help="Data contoh untuk mencoba aplikasi.")
outbox_cli = AppGroup("outbox", help="Pesan keluar yang gagal terkirim.")


@click.command("create-admin")
@click.option("--email", prompt="E-mail")
@click.option("--name", prompt="Nama")
@click.option("--password", prompt="Kata sandi", hide_input=True, confirmation_prompt=True)
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin account."""
    try:
        accounts.create_user(None, accounts.UserData(email, name, Role.ADMIN, None), password)
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(f"Admin {email} dibuat.")


@regions_cli.command("import")
@click.option(
    "--province", default=None, help='Nama provinsi, mis. "Kalimantan Tengah"; tanpa opsi ini: semua.'
)
def import_regions(province: str | None) -> None:
    """Load official region names (areaid data set); running it again adds only what is missing."""
    try:
        added = regions.import_regions(province)
    except DomainError as error:
        raise click.ClickException(f"{error.message}. Pilihan: {', '.join(regions.available_provinces())}")
    click.echo(", ".join(f"{level}: {count} baru" for level, count in added.items()))


DEMO_ROLE_NAMES = {Role.ADMIN: "admin", Role.ORGANIZER: "penyelenggara", Role.CHECKIN: "petugas presensi"}


@demo_cli.command("load")
def load_demo() -> None:
    """Load the Kalimantan Tengah demo data once; later runs keep what is there."""
    from eventapp.demo import DEMO_ACCOUNTS, load

    if db.session.scalar(select(User.id).limit(1)) is None:
        load(current_app.config["UPLOAD_DIR"])
        click.echo("Data contoh dimuat.")
    for email, password, role in DEMO_ACCOUNTS:
        click.echo(f"  Akun {DEMO_ROLE_NAMES[Role(role)]:<17} {email}  kata sandi: {password}")


@outbox_cli.command("failed")
def list_failed() -> None:
    """List messages given up on, with the reason."""
    messages = outbox.failed_messages()
    for message in messages:
        click.echo(f"{message.id}\t{message.recipient}\t{message.attempts}x\t{message.subject}")
        click.echo(f"\t{message.last_error}")
    click.echo(f"{len(messages)} pesan gagal.")


@outbox_cli.command("retry")
@click.argument("message_ids", nargs=-1, type=click.IntRange(1, None))
@click.option("--all", "send_all", is_flag=True, help="Kirim ulang semua pesan yang gagal.")
def retry_failed(message_ids: tuple[int, ...], send_all: bool) -> None:
    """Send failed messages again (the given ids, or --all)."""
    if not message_ids and not send_all:
        raise click.UsageError("Sebutkan nomor pesan, atau pakai --all.")
    requeued = outbox.requeue(None if send_all else list(message_ids), utcnow())
    send_committed(*requeued)
    click.echo(f"{len(requeued)} pesan dikirim ulang.")


def register(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(regions_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(outbox_cli)
