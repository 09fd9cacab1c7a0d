"""panels.join_code: the short code people type at /k/<code>

Revision ID: c7d2a9e4f1b3
Revises: c3d5e7f9a1b2
Create Date: 2026-11-22 06:40:00

"""

import sqlalchemy as sa
from alembic import op

from hybrid_sessions.models.join_code import random_code

revision = "c7d2a9e4f1b3"
down_revision = "c3d5e7f9a1b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("join_code", sa.String(length=6), nullable=True))
    # Every existing session gets its code now, so every session page can show one.
    connection = op.get_bind()
    panels = sa.table("panels", sa.column("id", sa.Integer()), sa.column("join_code", sa.String()))
    used: set[str] = set()
    for (panel_id,) in connection.execute(sa.select(panels.c.id).order_by(panels.c.id)).all():
        code = random_code()
        while code in used:
            code = random_code()
        used.add(code)
        connection.execute(panels.update().where(panels.c.id == panel_id).values(join_code=code))
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.alter_column("join_code", existing_type=sa.String(length=6), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_panels_join_code"), ["join_code"])


def downgrade():
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_panels_join_code"), type_="unique")
        batch_op.drop_column("join_code")
