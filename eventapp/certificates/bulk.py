"""'Download all' in the background: an event's certificates are split into parts by serial
number, any job worker builds a part into a file of its own (several workers, on one machine or
several sharing the queue and the database, build parts side by side), and the worker that
finishes the last part joins the files into the one the organizer downloads.

Every step claims its row with a conditional UPDATE, so a part or a join runs once however
often its task is queued. The sweep (`recover`) queues again a part whose worker died (only that
part is built again), a part whose task was lost, and a join whose worker died; it gives up on
a job that nothing has moved for half an hour."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from eventapp.accounts.access import require_manager
from eventapp.accounts.models import User
from eventapp.certificates import pdf
from eventapp.certificates.models import BulkFailure, BulkJob, BulkPart, BulkStatus, Certificate, PartStatus
from eventapp.certificates.services import settings_for
from eventapp.dbtypes import lock_for_update
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events.models import Event
from eventapp.extensions import db

# Certificates per part: about five seconds of one worker, small enough that a worker killed
# half-way loses little and that the last part keeps the other workers waiting briefly.
PART_SIZE = 500
# A running part reports every pdf.CHUNK certificates (a second or two); minutes of silence
# mean its worker is gone.
PART_STALE_AFTER = timedelta(minutes=2)
# A queued part starts once a worker is free; one still waiting after this while no bulk work
# at all is moving had its task lost, and is queued again (harmless if not: a part is claimed
# once).
LOST_AFTER = timedelta(minutes=1)
# The job's page says that nothing moves after this long without progress.
QUIET_AFTER = timedelta(minutes=1)
# A job nothing has moved for this long, while no other bulk work moves either, has no worker.
JOB_STALE_AFTER = timedelta(minutes=30)
# A part that took its worker down this many times would do it again: the job fails instead.
MAX_ATTEMPTS = 3


def start(actor: User, event: Event, kind: str, now: datetime) -> tuple[BulkJob, bool]:
    """Ask for a 'download all' of the event's valid certificates as a ZIP or one PDF, planned
    as parts of PART_SIZE certificates. Returns the job and whether it is new: while one of the
    same kind is still being built for the event, that one is returned instead (a second click
    or a second organizer waits for it rather than building it again). The caller queues a task
    per part of a new job after the commit."""
    require_manager(actor, event.organization_id)
    if kind not in ("zip", "pdf"):
        raise ValidationFailed(_("Jenis unduhan tidak dikenal."), "kind_unknown")
    lock_for_update(Event, event.id)  # two clicks at once make one job
    running = db.session.scalar(
        select(BulkJob).where(
            BulkJob.event_id == event.id,
            BulkJob.kind == kind,
            BulkJob.status.in_((BulkStatus.QUEUED, BulkStatus.RUNNING, BulkStatus.JOINING)),
        )
    )
    if running is not None:
        db.session.rollback()
        return running, False
    seqs = list(db.session.scalars(_valid(event.id).with_only_columns(Certificate.seq)))
    if not seqs:
        raise DomainError(_("Belum ada sertifikat yang diterbitkan."), "nothing")
    job = BulkJob(
        event_id=event.id,
        kind=kind,
        heartbeat_at=now,
        filename=f"sertifikat-{event.id}-{secrets.token_hex(8)}.{kind}",
    )
    for position, start_at in enumerate(range(0, len(seqs), PART_SIZE)):
        run = seqs[start_at : start_at + PART_SIZE]
        job.parts.append(
            BulkPart(position=position, first_seq=run[0], last_seq=run[-1], total=len(run), heartbeat_at=now)
        )
    db.session.add(job)
    db.session.commit()
    return job, True


def _valid(event_id: int):
    """The event's certificates that are not revoked, by serial number."""
    return (
        select(Certificate)
        .where(Certificate.event_id == event_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.seq)
    )


class _PartLost(Exception):
    """The sweep gave this part to another worker while this one was still building it."""


def run_part(part_id: int, export_dir: Path, upload_dir: Path, clock) -> None:
    """Build one part into its own file, reporting progress on the part's row; the worker that
    finishes the job's last part joins the parts."""
    part = db.session.get(BulkPart, part_id)
    if part is None:
        return
    job_id = part.job_id
    job_moves = db.session.scalar(
        update(BulkJob)
        .where(BulkJob.id == job_id, BulkJob.status.in_((BulkStatus.QUEUED, BulkStatus.RUNNING)))
        .values(status=BulkStatus.RUNNING, heartbeat_at=clock())
        .returning(BulkJob.id)
    )
    attempt = job_moves and db.session.scalar(
        update(BulkPart)
        .where(BulkPart.id == part_id, BulkPart.status == PartStatus.QUEUED)
        .values(status=PartStatus.RUNNING, attempts=BulkPart.attempts + 1, done=0, heartbeat_at=clock())
        .returning(BulkPart.attempts)
    )
    if not attempt:  # built already, or its job failed: the task was queued more than once
        db.session.rollback()
        return
    db.session.commit()
    event = part.job.event
    certificates = list(
        db.session.scalars(_valid(event.id).where(Certificate.seq.between(part.first_seq, part.last_seq)))
    )
    path = export_dir / part.filename

    def progress(done: int) -> None:
        if not _update_own(part_id, attempt, done=done, heartbeat_at=clock()):
            raise _PartLost
        db.session.commit()

    export_dir.mkdir(parents=True, exist_ok=True)
    try:
        if certificates:
            writer = pdf.write_zip if part.job.kind == "zip" else pdf.write_pdf
            writer(certificates, settings_for(event), upload_dir, path, progress)
    except _PartLost:
        db.session.rollback()
        path.unlink(missing_ok=True)
        return
    except Exception:  # the traceback goes to the worker's log; the page offers 'coba lagi'
        db.session.rollback()
        _fail_while(job_id, (BulkStatus.RUNNING,), export_dir, BulkFailure.BROKEN)
        raise
    lock_for_update(BulkJob, job_id)
    finished = _update_own(
        part_id,
        attempt,
        status=PartStatus.DONE,
        total=len(certificates),
        done=len(certificates),
        heartbeat_at=clock(),
    )
    job = _read(job_id)
    if not finished or job is None or job.status != BulkStatus.RUNNING:  # taken over, or failed
        db.session.rollback()
        path.unlink(missing_ok=True)
        return
    last = not db.session.scalar(
        select(func.count()).where(BulkPart.job_id == job_id, BulkPart.status != PartStatus.DONE)
    )
    job.heartbeat_at = clock()
    if last:
        job.status = BulkStatus.JOINING
    db.session.commit()
    if last:
        join(job_id, export_dir, clock)


def _jobs():
    """Jobs with their parts, as the database has them now: the session may hold older copies
    (it keeps what it loaded across commits), and these rows change under other workers."""
    return select(BulkJob).options(selectinload(BulkJob.parts)).execution_options(populate_existing=True)


def _read(job_id: int) -> BulkJob | None:
    return db.session.scalars(_jobs().where(BulkJob.id == job_id)).one_or_none()


def _update_own(part_id: int, attempt: int, **values) -> bool:
    """Change a running part only while it is still this attempt's (the sweep may have given
    it to another worker)."""
    changed = db.session.scalar(
        update(BulkPart)
        .where(BulkPart.id == part_id, BulkPart.status == PartStatus.RUNNING, BulkPart.attempts == attempt)
        .values(**values)
        .returning(BulkPart.id)
    )
    return changed is not None


def join(job_id: int, export_dir: Path, clock) -> None:
    """Join the parts' files, in order, into the job's file, then delete the parts. The file
    is written under a scratch name and takes its own name only when done, so a join that
    the sweep started again beside a slow one cannot leave half a file."""
    job = _read(job_id)
    if job is None or job.status != BulkStatus.JOINING:
        db.session.rollback()
        return
    if not job.total:  # every certificate was revoked while the parts were built
        _fail(job, export_dir, BulkFailure.ALL_REVOKED)
        db.session.commit()
        return
    kind, parts = job.kind, [export_dir / part.filename for part in job.parts if part.total]
    target = export_dir / str(job.filename)
    scratch = target.with_name(f"{target.name}.gabung-{secrets.token_hex(4)}")
    db.session.commit()

    def progress(_joined: int) -> None:
        _heartbeat_while_joining(job_id, clock())
        db.session.commit()

    try:
        (pdf.join_zip if kind == "zip" else pdf.join_pdf)(parts, scratch, progress)
    except Exception:
        db.session.rollback()
        scratch.unlink(missing_ok=True)
        _fail_while(job_id, (BulkStatus.JOINING,), export_dir, BulkFailure.BROKEN)
        raise
    lock_for_update(BulkJob, job_id)
    job = _read(job_id)
    if job is None or job.status != BulkStatus.JOINING:  # another join finished first
        db.session.rollback()
        scratch.unlink(missing_ok=True)
        return
    scratch.replace(target)
    for leftover in export_dir.glob(f"{target.name}.*"):  # the parts, of every attempt
        leftover.unlink(missing_ok=True)
    job.status, job.finished_at = BulkStatus.DONE, clock()
    _forget_older(job, export_dir)
    db.session.commit()


def _forget_older(job: BulkJob, export_dir: Path) -> None:
    """Delete the event's earlier finished or failed jobs of the same kind and their files:
    the newest file replaces them, so the exports folder holds one file per event and kind."""
    older = db.session.scalars(
        select(BulkJob).where(
            BulkJob.event_id == job.event_id,
            BulkJob.kind == job.kind,
            BulkJob.id != job.id,
            BulkJob.status.in_((BulkStatus.DONE, BulkStatus.FAILED)),
        )
    )
    for earlier in older:
        for path in export_dir.glob(f"{earlier.filename}*"):
            path.unlink(missing_ok=True)
        db.session.delete(earlier)


def _heartbeat_while_joining(job_id: int, now: datetime) -> None:
    db.session.execute(
        update(BulkJob)
        .where(BulkJob.id == job_id, BulkJob.status == BulkStatus.JOINING)
        .values(heartbeat_at=now)
    )


def _fail_while(job_id: int, statuses: tuple[BulkStatus, ...], export_dir: Path, reason: BulkFailure) -> None:
    """Fail the job, if it is still in one of `statuses`, and commit."""
    lock_for_update(BulkJob, job_id)
    job = _read(job_id)
    if job is not None and job.status in statuses:
        _fail(job, export_dir, reason)
    db.session.commit()


def _fail(job: BulkJob, export_dir: Path, reason: BulkFailure) -> None:
    """Mark a job failed and delete what it had written: the parts, and a file being joined."""
    for path in export_dir.glob(f"{job.filename}*"):
        path.unlink(missing_ok=True)
    job.status, job.error = BulkStatus.FAILED, reason


@dataclass
class Recovery:
    """What the sweep found: parts and joins to queue again, and how many jobs it gave up on."""

    parts: list[int] = field(default_factory=list)
    joins: list[int] = field(default_factory=list)
    failed: int = 0


def recover(export_dir: Path, now: datetime) -> Recovery:
    """Find the work that lost its worker or its task and mark it to be queued again, and give
    up on jobs that nothing has moved for JOB_STALE_AFTER (their pages offer 'coba lagi').

    A part whose worker fell silent is queued again at once. Parts merely waiting are another
    matter: bulk tasks queue behind each other (and behind messages, which go first), so while
    any bulk work anywhere is moving, a waiting part is waiting its turn, not lost; waiting
    parts are queued again, and jobs given up on, only when nothing moves at all."""
    found = Recovery()
    active = db.session.scalars(
        _jobs()
        .where(BulkJob.status.in_((BulkStatus.QUEUED, BulkStatus.RUNNING, BulkStatus.JOINING)))
        .order_by(BulkJob.id)
        .with_for_update()
    ).all()
    silent_since = now - PART_STALE_AFTER
    moving = {job.id: _moving(job, silent_since) for job in active}
    anything_moves = any(moving.values())
    for job in active:
        stale = (job.heartbeat_at or job.created_at) < now - JOB_STALE_AFTER
        silent = [p for p in job.parts if p.status == PartStatus.RUNNING and p.heartbeat_at < silent_since]
        reason: BulkFailure | None = None
        if any(p.attempts >= MAX_ATTEMPTS for p in silent):
            reason = BulkFailure.CRASHING_PART
        elif stale and not moving[job.id] and (job.status == BulkStatus.JOINING or not anything_moves):
            reason = BulkFailure.STALLED
        if reason is not None:
            _fail(job, export_dir, reason)
            found.failed += 1
        elif job.status == BulkStatus.JOINING:
            if not moving[job.id]:
                found.joins.append(job.id)
        else:
            for part in job.parts:
                lost = (
                    not anything_moves
                    and part.status == PartStatus.QUEUED
                    and part.heartbeat_at < now - LOST_AFTER
                )
                if part in silent or lost:
                    part.status, part.heartbeat_at = PartStatus.QUEUED, now
                    found.parts.append(part.id)
    db.session.commit()
    return found


def quiet(job: BulkJob, now: datetime) -> bool:
    """A job in progress that has shown no progress for a minute: waiting behind other work,
    or a part whose worker died and that the sweep will queue again."""
    if not job.in_progress:
        return False
    heard = [job.heartbeat_at or job.created_at, *(part.heartbeat_at for part in job.parts)]
    return max(heard) < now - QUIET_AFTER


def _moving(job: BulkJob, silent_since: datetime) -> bool:
    """A part of the job is being built, or its parts are being joined, and was heard from."""
    if job.status == BulkStatus.JOINING:
        return (job.heartbeat_at or job.created_at) >= silent_since
    return any(p.status == PartStatus.RUNNING and p.heartbeat_at >= silent_since for p in job.parts)
