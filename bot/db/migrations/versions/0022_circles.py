"""circles: classes reading one book together (circle), their member classes
(circle_member) and one-time join codes, kept only as a sha256 hash (circle_code).

Revision ID: 0022
Revises: 0021
Create Date: 2027-01-25
"""

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "circle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("book_title", sa.String(length=255), nullable=False),
        sa.Column("creator_classroom_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_classroom_id"],
            ["classroom.id"],
            name="fk_circle_creator_classroom_id_classroom",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_circle"),
    )
    op.create_index("ix_circle_creator_classroom_id", "circle", ["creator_classroom_id"])
    op.create_table(
        "circle_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("classroom_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name="fk_circle_member_circle_id_circle",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name="fk_circle_member_classroom_id_classroom",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_circle_member"),
        sa.UniqueConstraint(
            "circle_id", "classroom_id", name="uq_circle_member_circle_id_classroom_id"
        ),
    )
    op.create_index("ix_circle_member_classroom_id", "circle_member", ["classroom_id"])
    op.create_table(
        "circle_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["circle_id"], ["circle.id"], name="fk_circle_code_circle_id_circle", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_circle_code"),
        sa.UniqueConstraint("code_hash", name="uq_circle_code_code_hash"),
    )
    op.create_index("ix_circle_code_circle_id", "circle_code", ["circle_id"])


def downgrade() -> None:
    op.drop_table("circle_code")
    op.drop_table("circle_member")
    op.drop_table("circle")
