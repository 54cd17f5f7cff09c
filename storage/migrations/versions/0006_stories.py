"""stories across outlets and languages: memberships, citations, constraints, candidate index

Revision ID: 0006_stories
Revises: 0005
Create Date: 2026-12-02 05:30:00

``story_members`` (article -> story with relation, confidence, evidence, cited article, who
decided), ``citations`` (article cites outlet/URL), ``story_constraints`` (editors' splits and
merges) and the candidate index ``story_features`` / ``story_profiles`` (storage/story_index.py).
Stories made before (near duplicates) get their memberships: the origin ``original``, the
others ``duplicate``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_stories"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "story_members",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("cited_article_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=8), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_members_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_members_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cited_article_id"],
            ["articles.id"],
            name=op.f("fk_story_members_cited_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_members")),
    )
    op.create_index("ix_story_members_story", "story_members", ["story_id"])
    op.create_table(
        "citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=True),
        sa.Column("outlet_key", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=True),
        sa.Column("cited_article_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_citations_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cited_article_id"],
            ["articles.id"],
            name=op.f("fk_citations_cited_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citations")),
    )
    op.create_index("ix_citations_article", "citations", ["article_id"])
    op.create_index("ix_citations_url", "citations", ["url"])
    op.create_index("ix_citations_outlet_key", "citations", ["outlet_key"])
    op.create_table(
        "story_constraints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("other_story_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_constraints")),
        sa.UniqueConstraint(
            "kind",
            "story_id",
            "article_id",
            "other_story_id",
            name=op.f("uq_story_constraints_kind"),
        ),
    )
    op.create_index("ix_story_constraints_article", "story_constraints", ["article_id"])
    op.create_index("ix_story_constraints_other", "story_constraints", ["other_story_id"])
    op.create_table(
        "story_features",
        sa.Column("feature", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_features_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feature", "article_id", name=op.f("pk_story_features")),
    )
    op.create_index(
        "ix_story_features_lookup", "story_features", ["feature", "at", "language", "article_id"]
    )
    op.create_index("ix_story_features_article", "story_features", ["article_id"])
    op.create_table(
        "story_profiles",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_profiles_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_profiles")),
    )
    op.create_index("ix_story_profiles_at", "story_profiles", ["at"])
    # The feed counts rows per story: these let the counts read an index, not the table.
    op.create_index("ix_articles_language_story", "articles", ["language", "story_id"])
    op.create_index(
        "ix_articles_status_language_story", "articles", ["status", "language", "story_id"]
    )
    # Stories made before this revision (near duplicates) get their memberships.
    op.execute(
        "INSERT INTO story_members (article_id, story_id, relation, confidence, evidence, "
        "cited_article_id, decided_by, created_at, updated_at) "
        "SELECT a.id, a.story_id, CASE WHEN s.origin_article_id = a.id THEN 'original' "
        "ELSE 'duplicate' END, 1.0, '{}', NULL, 'auto', a.first_seen_at, a.first_seen_at "
        "FROM articles a JOIN stories s ON s.id = a.story_id"
    )


def downgrade() -> None:
    op.drop_index("ix_articles_status_language_story", table_name="articles")
    op.drop_index("ix_articles_language_story", table_name="articles")
    op.drop_index("ix_story_profiles_at", table_name="story_profiles")
    op.drop_table("story_profiles")
    op.drop_index("ix_story_features_article", table_name="story_features")
    op.drop_index("ix_story_features_lookup", table_name="story_features")
    op.drop_table("story_features")
    op.drop_index("ix_story_constraints_other", table_name="story_constraints")
    op.drop_index("ix_story_constraints_article", table_name="story_constraints")
    op.drop_table("story_constraints")
    op.drop_index("ix_citations_outlet_key", table_name="citations")
    op.drop_index("ix_citations_url", table_name="citations")
    op.drop_index("ix_citations_article", table_name="citations")
    op.drop_table("citations")
    op.drop_index("ix_story_members_story", table_name="story_members")
    op.drop_table("story_members")
