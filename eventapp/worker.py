"""Entry point of the job consumer: `huey_consumer eventapp.worker.huey`.

Builds the application once and gives every task an application context, so tasks use the
same database session and mail settings as the web app.
"""

import threading

from eventapp import create_app
from eventapp.extensions import db, huey

app = create_app()
_contexts = threading.local()


@huey.pre_execute()
def push_app_context(task) -> None:
    _contexts.current = app.app_context()
    _contexts.current.push()


@huey.post_execute()
def pop_app_context(task, task_value, exc) -> None:
    db.session.remove()
    _contexts.current.pop()
