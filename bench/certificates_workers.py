"""Bulk certificates across job workers: one 'download all' of 10,000 certificates built by one
job worker and by two, in interleaved rounds, then once more with a worker killed half-way.

    .venv/bin/python bench/certificates_workers.py [--count 10000] [--rounds 3] [--kind pdf]

Each worker is its own consumer process (`huey_consumer eventapp.worker.huey -w 1`), as on one
machine or several: they share only the Redis queue and the PostgreSQL database. A round asks
for the file the way the organizer's button does (`bulk.start`, then a task per part) and ends
when the job is done. Printed: certificates per second with 1 and 2 workers (median of the
rounds, with their range) and the ratio; each worker's peak resident memory once a quarter of
the job is built and at the end (flat: the same); that progress never ran past the total and
ended on it, and that the file holds every certificate. The kill round sends SIGKILL to one of
two workers at 40 %, runs the sweep (`bulk.recover`, giving a part up after 5 s of silence
instead of 2 minutes) and lets the other worker finish: it prints how many certificates were
built twice.

The machine has two cores, so two workers have no core to spare: PostgreSQL, Redis and this
script's polling share them.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
from certificates_bulk import certified_event
from throwaway import ROOT, migrated_env

POLL_SECONDS = 0.5


def resident_peak_mib(pid: int) -> float:
    """A process's peak resident size so far (VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    """`count` consumer processes of one worker each, returned once all are taking tasks."""
    workers = [
        subprocess.Popen(
            [str(ROOT / ".venv/bin/huey_consumer"), "eventapp.worker.huey", "-w", "1", "-n"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for worker in workers:
        for line in worker.stderr:
            if "consumer started" in line.lower():
                break
        else:
            raise RuntimeError("a job worker did not start")
    return workers


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)
    for worker in workers:
        worker.wait(timeout=60)


def one_round(app, event_id: int, kind: str, workers: list[subprocess.Popen], kill_at: float | None):
    """Build the file once. Returns (seconds, each worker's peak memory at a quarter and at the
    end, the job, the progress figures seen, certificates built twice)."""
    from sqlalchemy import func, select

    from eventapp.certificates import bulk, jobs
    from eventapp.certificates.models import BulkJob, BulkPart, BulkStatus
    from eventapp.dbtypes import utcnow
    from eventapp.events.models import Event
    from eventapp.extensions import db
    from tests.factories import system_actor

    with app.test_request_context():
        started = time.perf_counter()
        job, _new = bulk.start(system_actor(), db.session.get(Event, event_id), kind, utcnow())
        jobs.queue_bulk(job)
        job_id, total = job.id, job.total
        seen: list[int] = []
        quarter: list[float] = []
        killed_at = None
        while True:
            db.session.rollback()
            status = db.session.scalar(select(BulkJob.status).where(BulkJob.id == job_id))
            seen.append(db.session.scalar(select(func.sum(BulkPart.done)).where(BulkPart.job_id == job_id)))
            if not quarter and seen[-1] >= total / 4:
                quarter = [resident_peak_mib(w.pid) for w in workers]
            if kill_at is not None and killed_at is None and seen[-1] >= total * kill_at:
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait()
                killed_at = time.perf_counter()
            if (
                killed_at is not None
                and time.perf_counter() - killed_at > bulk.PART_STALE_AFTER.total_seconds()
            ):
                # The sweep, as every worker runs it each minute.
                for part_id in bulk.recover(app.config["EXPORT_DIR"], utcnow()).parts:
                    jobs.build_bulk_part(part_id)
            if status in (BulkStatus.DONE, BulkStatus.FAILED):
                break
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        db.session.expire_all()
        job = db.session.get_one(BulkJob, job_id)
        if job.failed:
            raise RuntimeError(f"the job failed: {job.error}")
        end = [resident_peak_mib(w.pid) for w in workers if w.poll() is None]
        rebuilt = sum(part.total for part in job.parts if part.attempts > 1)
        return seconds, quarter, end, job, seen, rebuilt


def pages_in(path: Path, kind: str) -> int:
    if kind == "zip":
        import zipfile

        with zipfile.ZipFile(path) as archive:
            return len(archive.namelist())
    import pikepdf

    with pikepdf.open(path) as document:
        return len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kind", choices=("pdf", "zip"), default="pdf")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    env = migrated_env("postgresql", workdir)
    env.update(
        UPLOAD_DIR=str(workdir / "uploads"),
        EXPORT_DIR=str(workdir / "exports"),
        BASE_URL="https://acara.example.go.id",
    )
    os.environ.update(env)
    from eventapp import create_app

    app = create_app()
    made = time.perf_counter()
    event_id = certified_event(app, args.count)
    print(
        f"{args.count:,} certificates issued in {time.perf_counter() - made:.0f} s; "
        f"'download all' as one {args.kind.upper()}, PostgreSQL, Redis queue, {os.cpu_count()} cores"
    )

    rates: dict[int, list[float]] = {1: [], 2: []}
    peaks: dict[int, list[tuple[list[float], list[float]]]] = {1: [], 2: []}
    for round_number in range(args.rounds):
        order = (1, 2) if round_number % 2 == 0 else (2, 1)
        for count in order:
            workers = start_workers(count, env)
            try:
                seconds, quarter, end, job, seen, _rebuilt = one_round(
                    app, event_id, args.kind, workers, None
                )
            finally:
                stop(workers)
            path = Path(env["EXPORT_DIR"]) / job.filename
            whole = pages_in(path, args.kind) == job.total == args.count
            exact = max(seen) <= job.total and seen[-1] == job.total
            rates[count].append(job.total / seconds)
            peaks[count].append((quarter, end))
            print(
                f"  round {round_number + 1}, {count} worker{'s' if count > 1 else ''}: {seconds:6.1f} s, "
                f"{job.total / seconds:5.1f} certificates/s; file whole: {whole}, progress exact: {exact}"
            )
            path.unlink()

    for count in (1, 2):
        figures = rates[count]
        print(
            f"{count} worker{'s' if count > 1 else ' '}: {statistics.median(figures):6.1f} certificates/s "
            f"(range {min(figures):.1f}–{max(figures):.1f})"
        )
    ratio = statistics.median(rates[2]) / statistics.median(rates[1])
    print(f"2 workers / 1 worker: {ratio:.2f}x (target ≥ 1.7x)")
    for count in (1, 2):
        quarter = max(max(q) for q, _e in peaks[count])
        end = max(max(e) for _q, e in peaks[count])
        print(
            f"peak memory per worker, {count} worker(s): {quarter:.0f} MiB at a quarter, "
            f"{end:.0f} MiB at the end"
        )

    from eventapp.certificates import bulk

    # The sweep gives a part up after two minutes of silence; here after five seconds, which is
    # still several heartbeats (one per chunk of pdf.CHUNK certificates) of a live worker.
    bulk.PART_STALE_AFTER = timedelta(seconds=5)
    workers = start_workers(2, env)
    try:
        seconds, _quarter, _end, job, seen, rebuilt = one_round(app, event_id, args.kind, workers, 0.4)
    finally:
        stop(workers)
    whole = pages_in(Path(env["EXPORT_DIR"]) / job.filename, args.kind) == job.total
    print(
        f"a worker killed at 40 %: done in {seconds:.1f} s by the other; certificates built twice: "
        f"{rebuilt} of {job.total} (a part holds {bulk.PART_SIZE}); file whole: {whole}, "
        f"progress never past the total: {max(seen) <= job.total}"
    )


if __name__ == "__main__":
    main()
