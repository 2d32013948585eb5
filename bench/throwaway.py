"""A migrated throw-away SQLite database and the app bound to it, for the in-process benchmarks."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_folder(workdir: Path) -> None:
    """Point the app's settings (database, queue, uploads, exports) at `workdir`."""
    os.environ.update(
        EVENTAPP_INSTANCE=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite'}",
        HUEY_URL=f"sqlite:///{workdir / 'jobs.sqlite'}",
        MAIL_BACKEND="dummy",
        RATELIMIT_ENABLED="0",
        UPLOAD_DIR=str(workdir / "uploads"),
        EXPORT_DIR=str(workdir / "exports"),
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def fresh_app(workdir: Path | None = None):
    """(app, folder) on a new database that has all migrations applied."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    use_folder(workdir)
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "eventapp", "db", "upgrade"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    from eventapp import create_app

    return create_app(), workdir
