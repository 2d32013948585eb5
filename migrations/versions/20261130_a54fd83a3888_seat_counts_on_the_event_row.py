"""Seat counts on the event row (#17): the last queue number and, per mode, the registrations
confirmed and waiting, filled from the registrations there are

Revision ID: a54fd83a3888
Revises: 3fbd4bc10f12
Create Date: 2026-11-30 12:07:45.487487

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a54fd83a3888"
down_revision = "3fbd4bc10f12"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue_last", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("confirmed_luring", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("confirmed_daring", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("waiting_luring", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("waiting_daring", sa.Integer(), server_default="0", nullable=False))

    def count(status, mode):
        return (
            "(SELECT count(*) FROM registrations r WHERE r.event_id = events.id "
            f"AND r.status = '{status}' AND r.attendance_mode = '{mode}')"
        )

    last = "(SELECT coalesce(max(queue_number), 0) FROM registrations r WHERE r.event_id = events.id)"
    op.execute(
        f"UPDATE events SET queue_last = {last}, "
        f"confirmed_luring = {count('confirmed', 'luring')}, "
        f"confirmed_daring = {count('confirmed', 'daring')}, "
        f"waiting_luring = {count('waitlisted', 'luring')}, "
        f"waiting_daring = {count('waitlisted', 'daring')}"
    )


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("waiting_daring")
        batch_op.drop_column("waiting_luring")
        batch_op.drop_column("confirmed_daring")
        batch_op.drop_column("confirmed_luring")
        batch_op.drop_column("queue_last")
