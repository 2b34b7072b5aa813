"""constraint names: every constraint and index named by the convention in bot/db/base.py,
so later migrations name what they change the same way on every database

PostgreSQL named the constraints that migrations before the convention left unnamed
(classroom_pkey, flag_post_id_key, flag_classroom_id_fkey): they are renamed here. SQLite
keeps unnamed constraints in its older tables; a batch operation given the convention
(`naming_convention=NAMING`) reflects them under the same names.

Revision ID: 0019
Revises: 0018
Create Date: 2027-01-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _expected(inspector: sa.Inspector, table: str) -> list[tuple[str, str]]:
    """(PostgreSQL's own name, the convention's) of each constraint of `table` that
    PostgreSQL named; names a migration chose (uq_post_message_revision) stay. Frozen here,
    not read from the models, so that this migration does the same whatever they become."""
    names: list[tuple[str | None, str]] = []
    pk = inspector.get_pk_constraint(table)
    names.append((pk.get("name"), f"pk_{table}" if pk.get("name") == f"{table}_pkey" else ""))
    for uq in inspector.get_unique_constraints(table):
        columns = "_".join(uq["column_names"])
        own = uq["name"] == f"{table}_{columns}_key"
        names.append((uq["name"], f"uq_{table}_{columns}" if own else ""))
    for fk in inspector.get_foreign_keys(table):
        column = fk["constrained_columns"][0]
        own = fk["name"] == f"{table}_{column}_fkey"
        names.append((fk["name"], f"fk_{table}_{column}_{fk['referred_table']}" if own else ""))
    return [(now, wanted) for now, wanted in names if now and wanted]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        for now, wanted in _expected(inspector, table):
            op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{now}" TO "{wanted}"')


def downgrade() -> None:
    """The convention's names stay: PostgreSQL's own were never relied on (0003 looks its
    constraint up by its columns), so every earlier migration runs with either."""
