"""revocable moderator access: token expiry and a per-account session epoch

Revision ID: b41f0e9c2d17
Revises: e1a7c0d4b2f9
Create Date: 2026-11-22 04:00:00

"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import hybrid_sessions.models.types

revision = "b41f0e9c2d17"
down_revision = "e1a7c0d4b2f9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("moderators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("moderator_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", hybrid_sessions.models.types.UTCDateTime(), nullable=True))
    # Tokens issued before expiry existed get the default lifetime from now.
    tokens = sa.table("moderator_tokens", sa.column("expires_at", sa.DateTime()))
    op.execute(tokens.update().values(expires_at=datetime.now(UTC).replace(tzinfo=None) + timedelta(days=30)))
    with op.batch_alter_table("moderator_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=hybrid_sessions.models.types.UTCDateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table("moderator_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("moderators", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
