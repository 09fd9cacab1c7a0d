"""panels.page_revision: kept personal pages are rendered again after an edit

Revision ID: d8e2b4f6a0c1
Revises: c5a1f3e2d8b7
Create Date: 2026-11-22 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d8e2b4f6a0c1"
down_revision = "c5a1f3e2d8b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_revision", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.drop_column("page_revision")
