"""The workspace schema and its migrations.

The table and column names here are a public contract: the CLI, the report and users' own SQL
in the DuckDB CLI rely on them (README, "The workspace"). A migration only ever adds to the
list below; a workspace records the version it was brought to in ``meta.schema_version``.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

# Each entry brings a workspace from version N-1 to N; entry 0 builds a new workspace.
MIGRATIONS: list[list[str]] = [
    [
        """
        CREATE TABLE meta (
            key   VARCHAR PRIMARY KEY,
            value VARCHAR
        )
        """,
        "CREATE SEQUENCE import_id_seq START 1",
        """
        CREATE TABLE imports (
            import_id      INTEGER PRIMARY KEY,
            path           VARCHAR NOT NULL,
            size_bytes     BIGINT,
            sha256         VARCHAR,
            format         VARCHAR,
            started_at     TIMESTAMP,
            finished_at    TIMESTAMP,
            rows_read      BIGINT,
            rows_added     BIGINT,
            rows_duplicate BIGINT,
            rows_rejected  BIGINT,
            rows_skipped   BIGINT,
            rejections     JSON,
            skipped        JSON
        )
        """,
        # Times are UTC. No primary key: an index on 10M ids costs 4x the import time and 10x
        # the file size (measured), so the importer, the only writer, keeps (platform, post_id)
        # unique with an anti-join instead.
        """
        CREATE TABLE posts (
            platform          VARCHAR NOT NULL,
            post_id           VARCHAR NOT NULL,
            created_at        TIMESTAMP NOT NULL,
            author_id         VARCHAR,
            author_handle     VARCHAR,
            author_name       VARCHAR,
            author_followers  BIGINT,
            text              VARCHAR NOT NULL,
            kind              VARCHAR NOT NULL,
            ref_post_id       VARCHAR,
            ref_author_handle VARCHAR,
            ref_text          VARCHAR,
            lang              VARCHAR,
            retweet_count     BIGINT,
            like_count        BIGINT,
            reply_count       BIGINT,
            quote_count       BIGINT,
            hashtags          VARCHAR[],
            mentions          VARCHAR[],
            urls              VARCHAR[],
            text_key          UHUGEINT NOT NULL,
            import_id         INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE sentiment (
            text_key UHUGEINT NOT NULL,
            compound DOUBLE NOT NULL,
            pos      DOUBLE NOT NULL,
            neu      DOUBLE NOT NULL,
            neg      DOUBLE NOT NULL
        )
        """,
        """
        CREATE VIEW posts_scored AS
        SELECT p.*, s.compound, s.pos, s.neu, s.neg
        FROM posts p LEFT JOIN sentiment s ON s.text_key = p.text_key
        """,
        "CREATE SEQUENCE annotation_id_seq START 1",
        """
        CREATE TABLE annotations (
            id         INTEGER PRIMARY KEY DEFAULT nextval('annotation_id_seq'),
            starts_at  TIMESTAMP NOT NULL,
            ends_at    TIMESTAMP,
            label      VARCHAR NOT NULL,
            category   VARCHAR,
            note       VARCHAR,
            colour     VARCHAR,
            origin     VARCHAR NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'suggested')),
            evidence   JSON,
            created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
            updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
        )
        """,
    ],
]

assert len(MIGRATIONS) == SCHEMA_VERSION

DEFAULT_META = {
    "incident_name": "Untitled incident",
    "timezone": "UTC",
    "brand_handles": "[]",
}
