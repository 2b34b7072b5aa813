"""author answer review: each class chooses whether every guest author answer waits for a
teacher's tap before its students see it (on by default)

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("class_profile") as batch_op:
        batch_op.add_column(
            sa.Column("review_answers", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("class_profile") as batch_op:
        batch_op.drop_column("review_answers")
