"""kim: chair code; KIM numbers unique per office

Revision ID: fd80377b3b37
Revises: 79718757cc3d
Create Date: 2026-11-30 06:17:31.654823

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fd80377b3b37"
down_revision = "79718757cc3d"
branch_labels = None
depends_on = None


CHAIR_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def upgrade():
    with op.batch_alter_table("kims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chair_code", sa.String(length=16), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_kims_registration_number"), type_="unique")
        batch_op.create_unique_constraint("uq_kims_office_number", ["organization_id", "registration_number"])

    # Every KIM registered so far gets its own random chair code.
    connection = op.get_bind()
    kims = sa.table("kims", sa.column("id", sa.Integer), sa.column("chair_code", sa.String))
    for (kim_id,) in connection.execute(sa.select(kims.c.id)).all():
        code = "".join(secrets.choice(CHAIR_CODE_ALPHABET) for _ in range(8))
        connection.execute(kims.update().where(kims.c.id == kim_id).values(chair_code=code))

    with op.batch_alter_table("kims", schema=None) as batch_op:
        batch_op.alter_column("chair_code", existing_type=sa.String(length=16), nullable=False)


def downgrade():
    with op.batch_alter_table("kims", schema=None) as batch_op:
        batch_op.drop_constraint("uq_kims_office_number", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_kims_registration_number"), ["registration_number"])
        batch_op.drop_column("chair_code")
