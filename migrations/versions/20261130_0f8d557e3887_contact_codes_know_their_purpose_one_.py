"""Contact codes know their purpose (a code sent to register does not open the certificates),
and at most one is made per contact and minute however many requests arrive together

Revision ID: 0f8d557e3887
Revises: a54fd83a3888
Create Date: 2026-11-30 13:30:00.360771

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0f8d557e3887"
down_revision = "a54fd83a3888"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=20), server_default="", nullable=False))
        batch_op.add_column(sa.Column("sent_minute", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_contact_codes_contact_sent_minute", ["contact", "sent_minute"])


def downgrade():
    with op.batch_alter_table("contact_codes", schema=None) as batch_op:
        batch_op.drop_constraint("uq_contact_codes_contact_sent_minute", type_="unique")
        batch_op.drop_column("sent_minute")
        batch_op.drop_column("purpose")
