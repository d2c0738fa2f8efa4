"""The workspace schema and its migrations.

The table and column names here are a public contract: the CLI, the report and users' own SQL
in the DuckDB CLI rely on them (README, "The workspace"). A migration only ever adds to the
list below; a workspace records the version it was brought to in ``meta.schema_version``.
"""

from __future__ import annotations

SCHEMA_VERSION = 6

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
    # 2: the turning points' companions (dismissed suggestions, the chronicle's edits), the
    # human check of the sentiment, and the rollups up front.
    [
        # a suggestion is known by Suggestion.key(), stable across runs of the detector
        """
        CREATE TABLE dismissed_suggestions (
            key          VARCHAR PRIMARY KEY,
            dismissed_at TIMESTAMP NOT NULL
        )
        """,
        """
        CREATE TABLE chronicle_edits (
            phase      VARCHAR PRIMARY KEY,
            text       VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """,
        """
        CREATE TABLE sentiment_labels (
            platform    VARCHAR NOT NULL,
            post_id     VARCHAR NOT NULL,
            label       VARCHAR NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
            labelled_at TIMESTAMP NOT NULL,
            PRIMARY KEY (platform, post_id)
        )
        """,
        # A label judges a text, so it holds for every post with that text (the hundreds of
        # retweets of a labelled post included); if posts of one text were labelled apart,
        # the latest label wins. The cut-offs are VADER's usual ones, as in the rollups.
        """
        CREATE VIEW posts_labelled AS
        WITH text_labels AS (
            SELECT p.text_key, arg_max(l.label, l.labelled_at) AS label
            FROM sentiment_labels l
            JOIN posts p ON p.platform = l.platform AND p.post_id = l.post_id
            GROUP BY p.text_key
        )
        SELECT *, coalesce(human_label, vader_class) AS effective_class
        FROM (
            SELECT ps.*, tl.label AS human_label,
                   CASE WHEN ps.compound IS NULL THEN NULL
                        WHEN ps.compound <= -0.05 THEN 'negative'
                        WHEN ps.compound >= 0.05 THEN 'positive'
                        ELSE 'neutral' END AS vader_class
            FROM posts_scored ps LEFT JOIN text_labels tl ON tl.text_key = ps.text_key
        )
        """,
        # The rollups (app/core/store/rollup_sql.py, CREATE_TABLES as of ROLLUP_VERSION 1),
        # copied rather than imported so that this step never changes after the fact. They
        # are derived data that app.core.rollup drops and rebuilds whole, so a later change of
        # their layout needs no migration; IF NOT EXISTS because a version-1 workspace may
        # already hold them.
        """
        CREATE TABLE IF NOT EXISTS rollup_minute (
            minute        TIMESTAMP NOT NULL,
            kind          VARCHAR   NOT NULL,
            is_brand      BOOLEAN   NOT NULL,
            posts         BIGINT    NOT NULL,
            scored        BIGINT    NOT NULL,
            sum_compound  DOUBLE    NOT NULL,
            neg           BIGINT    NOT NULL,
            neu           BIGINT    NOT NULL,
            pos           BIGINT    NOT NULL,
            exposure      BIGINT    NOT NULL,
            unknown_reach BIGINT    NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS rollup_first (
            minute     TIMESTAMP NOT NULL,
            kinds_mask UTINYINT  NOT NULL,
            is_brand   BOOLEAN   NOT NULL,
            accounts   BIGINT    NOT NULL,
            audience   BIGINT    NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS rollup_retweets (
            platform VARCHAR NOT NULL,
            post_id  VARCHAR NOT NULL,
            retweets BIGINT  NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS rollup_post_scores (
            created_at TIMESTAMP NOT NULL,
            post_row   BIGINT    NOT NULL,
            compound   DOUBLE    NOT NULL,
            neg        DOUBLE    NOT NULL,
            neu        DOUBLE    NOT NULL,
            pos        DOUBLE    NOT NULL
        )
        """,
    ],
    # 3 (wip/sentiment): the sentiment's language scope and labels at scale. text_language
    # holds the language detector's guess for texts whose posts carry no platform language;
    # posts_scored gains each post's language, where it came from and why it has no score,
    # and gives scores only to posts in scope (scope_sql.POSTS_SCORED_VIEW, copied here so
    # this step never changes after the fact). A label may say where it came from.
    [
        """
        CREATE TABLE IF NOT EXISTS text_language (
            text_key   UHUGEINT NOT NULL,
            lang       VARCHAR,
            confidence DOUBLE
        )
        """,
        "ALTER TABLE sentiment_labels ADD COLUMN IF NOT EXISTS source VARCHAR",
        # rollup_minute counts the posts out of scope too (rollup_sql.ROLLUP_VERSION 2): the
        # table is derived data, rebuilt on first use, so it is simply made anew
        "DROP TABLE IF EXISTS rollup_minute",
        """
        CREATE TABLE rollup_minute (
            minute        TIMESTAMP NOT NULL,
            kind          VARCHAR   NOT NULL,
            is_brand      BOOLEAN   NOT NULL,
            posts         BIGINT    NOT NULL,
            scored        BIGINT    NOT NULL,
            sum_compound  DOUBLE    NOT NULL,
            neg           BIGINT    NOT NULL,
            neu           BIGINT    NOT NULL,
            pos           BIGINT    NOT NULL,
            exposure      BIGINT    NOT NULL,
            unknown_reach BIGINT    NOT NULL,
            other_language BIGINT   NOT NULL,
            no_text       BIGINT    NOT NULL
        )
        """,
        """
        CREATE OR REPLACE VIEW posts_scored AS
        SELECT * EXCLUDE (given_language, checked, s_compound, s_pos, s_neu, s_neg),
               CASE WHEN not_scored IS NULL THEN s_compound END AS compound,
               CASE WHEN not_scored IS NULL THEN s_pos END AS pos,
               CASE WHEN not_scored IS NULL THEN s_neu END AS neu,
               CASE WHEN not_scored IS NULL THEN s_neg END AS neg
        FROM (
            SELECT *,
                   coalesce(CASE WHEN trim(text) = '' THEN 'no_text'
                            WHEN coalesce(language, 'en') <> 'en' THEN 'language' END,
                            CASE WHEN given_language IS NULL AND NOT checked THEN 'pending'
                                 WHEN s_compound IS NULL THEN 'pending' END) AS not_scored
            FROM (
                SELECT p.*, g.given_language,
                       coalesce(g.given_language, CASE WHEN d.confidence >= 0.5 THEN d.lang END)
                           AS language,
                       CASE WHEN g.given_language IS NOT NULL THEN 'platform'
                            WHEN d.confidence >= 0.5 THEN 'detected'
                            WHEN d.text_key IS NOT NULL THEN 'undetermined'
                            ELSE 'not checked' END AS language_source,
                       d.text_key IS NOT NULL AS checked,
                       s.compound AS s_compound, s.pos AS s_pos, s.neu AS s_neu, s.neg AS s_neg
                FROM posts p
                LEFT JOIN (
                    SELECT lang, CASE
                        WHEN l.lang IS NULL THEN NULL
                        WHEN lower(trim(l.lang)) IN ('eng', 'english') THEN 'en'
                        WHEN lower(regexp_extract(trim(l.lang), '^([A-Za-z]{2,3})([-_].*)?$', 1))
                             IN ('', 'und', 'zxx', 'qme', 'qht', 'qam', 'qct', 'qst', 'art', 'mis', 'mul')
                             THEN NULL
                        ELSE lower(regexp_extract(trim(l.lang), '^([A-Za-z]{2,3})([-_].*)?$', 1))
                    END AS given_language FROM (SELECT DISTINCT lang FROM posts) l
                ) g ON g.lang = p.lang LEFT JOIN text_language d ON d.text_key = p.text_key
                LEFT JOIN sentiment s ON s.text_key = p.text_key
            )
        )
        """,
    ],
    # 4 (wip/ingest): what the other sources carry (a post's address, a listening tool's own
    # sentiment and reach estimate) and an import's finer counts (copies repeated inside the
    # file, conflicting copies, warnings, the zone zone-less times were read in).
    [
        "ALTER TABLE posts ADD COLUMN post_url VARCHAR",
        "ALTER TABLE posts ADD COLUMN vendor_sentiment VARCHAR",
        "ALTER TABLE posts ADD COLUMN vendor_reach BIGINT",
        "ALTER TABLE imports ADD COLUMN rows_duplicate_in_file BIGINT",
        "ALTER TABLE imports ADD COLUMN rows_conflict BIGINT",
        "ALTER TABLE imports ADD COLUMN conflicts JSON",
        "ALTER TABLE imports ADD COLUMN warnings JSON",
        "ALTER TABLE imports ADD COLUMN timezone VARCHAR",
        "ALTER TABLE imports ADD COLUMN labels_kept BIGINT",
    ],
    # 5 (wip/ui): the user's evidence (posts tagged and commented on) and saved views.
    [
        # A tag is a word the user puts on a post; "starred" is the star. A post is known by
        # (platform, post_id), like everywhere in the workspace.
        """
        CREATE TABLE post_tags (
            platform  VARCHAR   NOT NULL,
            post_id   VARCHAR   NOT NULL,
            tag       VARCHAR   NOT NULL,
            tagged_at TIMESTAMP NOT NULL,
            PRIMARY KEY (platform, post_id, tag)
        )
        """,
        """
        CREATE TABLE post_comments (
            platform   VARCHAR   NOT NULL,
            post_id    VARCHAR   NOT NULL,
            comment    VARCHAR   NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            PRIMARY KEY (platform, post_id)
        )
        """,
        # A named view of the incident: a filter (JSON, the filter bar's fields), the time
        # range shown and the cursor.
        """
        CREATE TABLE saved_views (
            name       VARCHAR   PRIMARY KEY,
            filter     JSON      NOT NULL,
            starts_at  TIMESTAMP NOT NULL,
            ends_at    TIMESTAMP NOT NULL,
            cursor_at  TIMESTAMP,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """,
    ],
    # 6 (wip/ingestlayout): Bluesky accounts whose handle the AppView could not verify came in
    # under the placeholder "handle.invalid", all as one account; each is now its DID, as the
    # importer names them (ingest_social_sql.bluesky_handle). A repost's or quote's author is
    # the DID in the address of the post it points to. The rollups were built from the old
    # handles and posts' counts do not change, so their stamp is dropped: they are rebuilt. A
    # post's address (a repost's: the reposted post's) is at://<its author's DID>/….
    [
        """
        UPDATE posts SET
            author_handle = CASE WHEN lower(author_handle) = 'handle.invalid' THEN author_id
                                 ELSE author_handle END,
            ref_author_handle = CASE WHEN lower(ref_author_handle) = 'handle.invalid'
                                     THEN nullif(regexp_extract(ref_post_id, '^at://([^/]+)/', 1), '')
                                     ELSE ref_author_handle END,
            post_url = regexp_replace(
                post_url, '^https://bsky\\.app/profile/handle\\.invalid/',
                'https://bsky.app/profile/'
                || regexp_extract(CASE WHEN kind = 'retweet' THEN ref_post_id ELSE post_id END,
                                  '^at://([^/]+)/', 1) || '/')
        WHERE platform = 'bluesky'
          AND (lower(author_handle) = 'handle.invalid' OR lower(ref_author_handle) = 'handle.invalid')
        """,
        "DELETE FROM meta WHERE key = 'rollup_stamp'",
        # The followers of the author of the post a retweet or quote points to, as the
        # shared post carries them (v1.1 retweeted_status/quoted_status.user, v2
        # includes.users): the only count the archive holds of an author with no post of
        # its own in it. NULL for the posts imported before (unknown, not zero).
        "ALTER TABLE posts ADD COLUMN IF NOT EXISTS ref_author_followers BIGINT",
    ],
]

assert len(MIGRATIONS) == SCHEMA_VERSION

DEFAULT_META = {
    "incident_name": "Untitled incident",
    "timezone": "UTC",
    "brand_handles": "[]",
}
