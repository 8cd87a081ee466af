"""One open request per member number and e-mail (was: per member number); members' phone.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("account_requests") as batch_op:
        batch_op.drop_index("uq_open_request_member")
        batch_op.create_index(
            "uq_open_request_contact",
            ["member_id", "email"],
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
    with op.batch_alter_table("library_members") as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=50), nullable=True))


def downgrade() -> None:
    # Fails while a member number has open requests from two e-mails: reject one first.
    with op.batch_alter_table("library_members") as batch_op:
        batch_op.drop_column("phone")
    with op.batch_alter_table("account_requests") as batch_op:
        batch_op.drop_index("uq_open_request_contact")
        batch_op.create_index(
            "uq_open_request_member",
            ["member_id"],
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
