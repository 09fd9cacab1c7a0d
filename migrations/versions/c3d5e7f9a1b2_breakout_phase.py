"""running the breakout phase: session phase and timer, placement, anonymity, call and
stream links, broadcasts

Revision ID: c3d5e7f9a1b2
Revises: e69eae1ee119
Create Date: 2026-11-22 06:30:00

"""

import sqlalchemy as sa
from alembic import op

import hybrid_sessions.models.types

revision = "c3d5e7f9a1b2"
down_revision = "e69eae1ee119"
branch_labels = None
depends_on = None


def upgrade():
    # Sessions that exist keep working as before: rooms open, people choose rooms.
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase", sa.String(length=16), server_default="rooms_open", nullable=False))
        batch_op.add_column(sa.Column("rooms_close_at", hybrid_sessions.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", hybrid_sessions.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("stream_url", sa.String(length=2000), server_default="", nullable=False))
        batch_op.add_column(sa.Column("assignment", sa.String(length=16), server_default="self", nullable=False))
        batch_op.add_column(sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("breakout_rooms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_url", sa.String(length=2000), server_default="", nullable=False))
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=1200), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", hybrid_sessions.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["moderator_id"], ["moderators.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["panel_id"], ["panels.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["room_id"], ["breakout_rooms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_broadcasts_panel_id_id", "broadcasts", ["panel_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_broadcasts_panel_id_id", table_name="broadcasts")
    op.drop_table("broadcasts")
    with op.batch_alter_table("breakout_rooms", schema=None) as batch_op:
        batch_op.drop_column("call_url")
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.drop_column("anonymous")
        batch_op.drop_column("assignment")
        batch_op.drop_column("stream_url")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("rooms_close_at")
        batch_op.drop_column("phase")
