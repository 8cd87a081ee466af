"""alembic_version records the revision: schema_version goes; so does the emptied resource_clicks.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

resource_clicks = sa.table("resource_clicks", sa.column("resource_id"))


def upgrade() -> None:
    # Its rows went to resource_usage in 0002 (or at each start of the code before migrations);
    # a row there now was written by something else: stop rather than lose it.
    left = op.get_bind().scalar(sa.select(sa.func.count()).select_from(resource_clicks))
    if left:
        raise RuntimeError(f"resource_clicks still holds {left} rows: move them first")
    op.drop_table("resource_clicks")
    op.drop_table("schema_version")


def downgrade() -> None:
    op.create_table(
        "schema_version",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "resource_clicks",
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("resource_id", "month"),
    )
