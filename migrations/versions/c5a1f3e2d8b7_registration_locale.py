"""the language a person registered in, for their emails

Revision ID: c5a1f3e2d8b7
Revises: c7d2a9e4f1b3
Create Date: 2026-11-22 06:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a1f3e2d8b7'
down_revision = 'c7d2a9e4f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='pl', nullable=False))


def downgrade():
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_column('locale')
