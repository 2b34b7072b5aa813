"""review groups: a flood of held messages from one student shares one review

Revision ID: 0011
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

import bot.db.tables

revision = "0011"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_group",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "classroom_id",
            sa.Integer(),
            sa.ForeignKey("classroom.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("lead_flag_id", sa.Integer(), nullable=False, unique=True),
        sa.Column("review_message_id", sa.String(length=255), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.db.tables.UTCDateTime(), nullable=False),
        sa.Column("last_at", bot.db.tables.UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_review_group_review_message_id", "review_group", ["review_message_id"], unique=False
    )
    with op.batch_alter_table("flag") as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("group_rev", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decision_batch", sa.Integer(), nullable=True))
        batch_op.create_index("ix_flag_group_id", ["group_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_flag_group_id_review_group",
            "review_group",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("flag") as batch_op:
        batch_op.drop_constraint("fk_flag_group_id_review_group", type_="foreignkey")
        batch_op.drop_index("ix_flag_group_id")
        batch_op.drop_column("decision_batch")
        batch_op.drop_column("group_rev")
        batch_op.drop_column("group_id")
    op.drop_index("ix_review_group_review_message_id", table_name="review_group")
    op.drop_table("review_group")
