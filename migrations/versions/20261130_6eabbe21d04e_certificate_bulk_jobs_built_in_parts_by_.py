"""certificate bulk jobs built in parts by several workers

Revision ID: 6eabbe21d04e
Revises: 0f8d557e3887
Create Date: 2026-11-30 14:03:41.986463

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6eabbe21d04e"
down_revision = "0f8d557e3887"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certificate_bulk_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done')", name=op.f("ck_certificate_bulk_parts_status_known")
        ),
        sa.CheckConstraint("first_seq <= last_seq", name=op.f("ck_certificate_bulk_parts_seq_range")),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["certificate_bulk_jobs.id"],
            name=op.f("fk_certificate_bulk_parts_job_id_certificate_bulk_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_bulk_parts")),
        sa.UniqueConstraint("job_id", "position", name="uq_certificate_bulk_parts_job_id_position"),
    )
    # Jobs built whole by one worker before this change have no parts to go on with: those not
    # finished are given up on, and their pages offer to start again.
    op.execute(
        "UPDATE certificate_bulk_jobs SET status = 'failed', "
        "error = 'Dihentikan saat aplikasi diperbarui; silakan coba lagi.' "
        "WHERE status IN ('queued', 'running')"
    )
    with op.batch_alter_table("certificate_bulk_jobs", schema=None) as batch_op:
        batch_op.drop_column("total")
        batch_op.drop_column("done")
        batch_op.drop_constraint(op.f("ck_certificate_bulk_jobs_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_certificate_bulk_jobs_status_known"),
            "status IN ('queued', 'running', 'joining', 'done', 'failed')",
        )


def downgrade():
    op.execute("UPDATE certificate_bulk_jobs SET status = 'failed' WHERE status = 'joining'")
    with op.batch_alter_table("certificate_bulk_jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_certificate_bulk_jobs_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_certificate_bulk_jobs_status_known"), "status IN ('queued', 'running', 'done', 'failed')"
        )
        batch_op.add_column(sa.Column("done", sa.INTEGER(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("total", sa.INTEGER(), nullable=False, server_default="0"))

    op.drop_table("certificate_bulk_parts")
