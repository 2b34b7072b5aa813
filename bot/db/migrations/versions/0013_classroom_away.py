"""the bot away from a class room: when it was removed (kicked) from it, if it is away

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classroom") as batch_op:
        batch_op.add_column(sa.Column("away_since", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("classroom") as batch_op:
        batch_op.drop_column("away_since")
