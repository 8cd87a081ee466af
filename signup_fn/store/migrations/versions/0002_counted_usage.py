"""Uses counted the COUNTER way: resource_usage and usage_visits; resource_clicks moved in.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

resource_clicks = sa.table(
    "resource_clicks", sa.column("resource_id"), sa.column("month"), sa.column("clicks")
)
resource_usage = sa.table(
    "resource_usage",
    sa.column("resource_id"),
    sa.column("month"),
    sa.column("total_requests"),
    sa.column("unique_requests"),
)


def upgrade() -> None:
    op.create_table(
        "resource_usage",
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("total_requests", sa.Integer(), nullable=False),
        sa.Column("unique_requests", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("resource_id", "month"),
    )
    op.create_table(
        "usage_visits",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_new", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("usage_visits") as batch_op:
        batch_op.create_index("ix_usage_visits_day", ["day"], unique=False)
    # Each month's clicks become its Total_Item_Requests; visitors were not known (Unique NULL).
    op.execute(
        resource_usage.insert().from_select(
            ["resource_id", "month", "total_requests", "unique_requests"],
            sa.select(
                resource_clicks.c.resource_id,
                resource_clicks.c.month,
                resource_clicks.c.clicks,
                sa.null(),
            ),
        )
    )
    op.execute(resource_clicks.delete())


def downgrade() -> None:
    op.execute(
        resource_clicks.insert().from_select(
            ["resource_id", "month", "clicks"],
            sa.select(
                resource_usage.c.resource_id,
                resource_usage.c.month,
                resource_usage.c.total_requests,
            ),
        )
    )
    op.drop_table("usage_visits")
    op.drop_table("resource_usage")
