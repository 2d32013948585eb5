"""Contact codes (one-time codes proving a phone or e-mail) and the per-event "verifikasi nomor"

Revision ID: 8a0da288e679
Revises: 34229710aae2
Create Date: 2026-11-30 11:35:33.868093

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8a0da288e679"
down_revision = "34229710aae2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_codes")),
    )
    with op.batch_alter_table("contact_codes", schema=None) as batch_op:
        batch_op.create_index("ix_contact_codes_contact_created", ["contact", "created_at"], unique=False)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verify_contact", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("verify_contact")

    with op.batch_alter_table("contact_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_codes_contact_created")

    op.drop_table("contact_codes")
