"""teacher room privacy: a class keeps what the last check of its teacher room found

Revision ID: 0008
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classroom") as batch_op:
        batch_op.add_column(sa.Column("teacher_channel_exposed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("classroom") as batch_op:
        batch_op.drop_column("teacher_channel_exposed")
