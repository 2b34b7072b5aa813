"""circle sharing: this installation's stable id (installation), posts shared with a
circle (circle_post), each partner class's copy (circle_copy), the partner classes a
class trusts (circle_trust), each member class's sharing rule (circle_member.share), the
uid of a circle made elsewhere (circle.uid), and one circle per class (a unique
circle_member.classroom_id instead of its index: two joins racing cannot both win).

Revision ID: 0023
Revises: 0022
Create Date: 2027-02-01
"""

import sqlalchemy as sa
from alembic import op

from bot.db.base import NAMING, UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a class that is in two circles already (the race this closes) keeps its first
    op.execute(
        "DELETE FROM circle_member WHERE id NOT IN "
        "(SELECT MIN(id) FROM circle_member GROUP BY classroom_id)"
    )
    op.drop_index("ix_circle_member_classroom_id", table_name="circle_member")
    with op.batch_alter_table("circle_member", naming_convention=NAMING) as batch_op:
        batch_op.add_column(
            sa.Column("share", sa.String(length=16), server_default="approved", nullable=False)
        )
        batch_op.create_unique_constraint("uq_circle_member_classroom_id", ["classroom_id"])
    with op.batch_alter_table("circle", naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint("uq_circle_uid", ["uid"])
    op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_installation"),
        sa.UniqueConstraint("uid", name="uq_installation_uid"),
    )
    op.create_table(
        "circle_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=120), nullable=False),
        sa.Column("circle_uid", sa.String(length=120), nullable=False),
        sa.Column("from_class", sa.String(length=120), nullable=False),
        sa.Column("from_classroom_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=True),
        sa.Column("class_label", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("chapter", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("shared_at", UTCDateTime(), nullable=False),
        sa.Column("offered_at", UTCDateTime(), nullable=True),
        sa.Column("retracted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_classroom_id"],
            ["classroom.id"],
            name="fk_circle_post_from_classroom_id_classroom",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_circle_post"),
        sa.UniqueConstraint("uid", name="uq_circle_post_uid"),
        sa.UniqueConstraint("source", name="uq_circle_post_source"),
    )
    op.create_index("ix_circle_post_circle_uid", "circle_post", ["circle_uid"])
    op.create_index("ix_circle_post_from_classroom_id", "circle_post", ["from_classroom_id"])
    op.create_table(
        "circle_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("classroom_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=255), nullable=True),
        sa.Column("thread_id", sa.String(length=255), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["circle_post.id"],
            name="fk_circle_copy_post_id_circle_post",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name="fk_circle_copy_classroom_id_classroom",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["flag.id"], name="fk_circle_copy_flag_id_flag", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_circle_copy"),
        sa.UniqueConstraint("post_id", "classroom_id", name="uq_circle_copy_post_id_classroom_id"),
    )
    op.create_index("ix_circle_copy_classroom_id", "circle_copy", ["classroom_id"])
    op.create_index("ix_circle_copy_state", "circle_copy", ["state"])
    op.create_table(
        "circle_trust",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("classroom_id", sa.Integer(), nullable=False),
        sa.Column("from_class", sa.String(length=120), nullable=False),
        sa.Column("trusted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name="fk_circle_trust_classroom_id_classroom",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_circle_trust"),
        sa.UniqueConstraint(
            "classroom_id", "from_class", name="uq_circle_trust_classroom_id_from_class"
        ),
    )


def downgrade() -> None:
    op.drop_table("circle_trust")
    op.drop_table("circle_copy")
    op.drop_table("circle_post")
    op.drop_table("installation")
    with op.batch_alter_table("circle", naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint("uq_circle_uid", type_="unique")
        batch_op.drop_column("uid")
    with op.batch_alter_table("circle_member", naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint("uq_circle_member_classroom_id", type_="unique")
        batch_op.drop_column("share")
    op.create_index("ix_circle_member_classroom_id", "circle_member", ["classroom_id"])
