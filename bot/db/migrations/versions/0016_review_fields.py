"""review fields: an item's context and escalation get their own columns (cogs/review)

Before, a question's "for <author>, <book>" line was the first of its reasons and an
escalation was the word "escalate" among its screening matches; existing rows move over.

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-20
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ESCALATE = "escalate"  # the old marker among a flag's matches
_flag = sa.table(
    "flag",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("reasons", sa.JSON()),
    sa.column("matches", sa.JSON()),
    sa.column("context", sa.Text()),
    sa.column("escalate", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("flag") as batch_op:
        batch_op.add_column(sa.Column("context", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("escalate", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    db = op.get_bind()
    rows = db.execute(sa.select(_flag.c.id, _flag.c.kind, _flag.c.reasons, _flag.c.matches))
    for flag_id, kind, reasons, matches in list(rows):
        reasons, matches = list(reasons or []), list(matches or [])
        change: dict[str, Any] = {}
        if kind == "question" and reasons:
            change.update(context=reasons[0], reasons=reasons[1:])
        if ESCALATE in matches:
            change.update(escalate=True, matches=[m for m in matches if m != ESCALATE])
        if change:
            db.execute(sa.update(_flag).where(_flag.c.id == flag_id).values(**change))


def downgrade() -> None:
    db = op.get_bind()
    rows = db.execute(
        sa.select(
            _flag.c.id, _flag.c.reasons, _flag.c.matches, _flag.c.context, _flag.c.escalate
        ).where(sa.or_(_flag.c.context.is_not(None), _flag.c.escalate.is_(True)))
    )
    for flag_id, reasons, matches, context, escalate in list(rows):
        change: dict[str, Any] = {}
        if context is not None:
            change["reasons"] = [context, *(reasons or [])]
        if escalate:
            change["matches"] = [*(matches or []), ESCALATE]
        db.execute(sa.update(_flag).where(_flag.c.id == flag_id).values(**change))
    with op.batch_alter_table("flag") as batch_op:
        batch_op.drop_column("escalate")
        batch_op.drop_column("context")
