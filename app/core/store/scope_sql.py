"""The SQL of the sentiment's scope: which posts VADER (an English lexicon) may judge.

A post is in scope when its language is English or cannot be told. Its language is the
platform's code when the platform gave a real one (Twitter's ``und``, ``qme``, ``zxx`` … say
"no language" and count as none given); otherwise the detector's guess for its text, kept in
``text_language``, when the detector is sure enough (:data:`MIN_CONFIDENCE`). Posts with no
text are out of scope too (VADER would call an empty text neutral).

Every query that counts sentiment uses these fragments, so the rollups, the binned series,
the scoring run and the ``posts_scored`` view a user queries agree on one definition. The
view's text in :mod:`app.core.store.schema` is a copy of :data:`POSTS_SCORED_VIEW` (a
migration never changes after the fact): changing the scope means a new migration step.
"""

from __future__ import annotations

#: The detector's guess decides a post's language at this probability or above.
MIN_CONFIDENCE = 0.5

#: Codes that platforms give for "no language": undetermined, no linguistic content, media,
#: hashtags, mentions, cashtags or links only, very short, artificial, multiple.
NO_LANGUAGE = ("und", "zxx", "qme", "qht", "qam", "qct", "qst", "art", "mis", "mul")

#: The platform's language code of a post ``p`` as a bare lower-case code ("en-GB" -> "en",
#: "eng" -> "en"), NULL when it gave none (or a "no language" code).
GIVEN_LANGUAGE = """CASE
    WHEN {p}.lang IS NULL THEN NULL
    WHEN lower(trim({p}.lang)) IN ('eng', 'english') THEN 'en'
    WHEN lower(regexp_extract(trim({p}.lang), '^([A-Za-z]{{2,3}})([-_].*)?$', 1))
         IN ('', {no_language}) THEN NULL
    ELSE lower(regexp_extract(trim({p}.lang), '^([A-Za-z]{{2,3}})([-_].*)?$', 1))
END"""


def given_language(p: str = "p") -> str:
    return GIVEN_LANGUAGE.format(p=p, no_language=", ".join(f"'{c}'" for c in NO_LANGUAGE))


def language(given: str, d: str = "d") -> str:
    """The post's language: the platform's, else the detector's when it is sure enough."""
    return f"coalesce({given}, CASE WHEN {d}.confidence >= {MIN_CONFIDENCE} THEN {d}.lang END)"


def out_of_scope(text: str, lang: str) -> str:
    """Why a post is out of VADER's scope ('no_text', 'language'), NULL when it is in."""
    return f"""CASE WHEN trim({text}) = '' THEN 'no_text'
                    WHEN coalesce({lang}, 'en') <> 'en' THEN 'language' END"""


def in_scope(p: str = "p", d: str = "d") -> str:
    """Whether post ``p`` (joined to its ``text_language`` row ``d``) is VADER's to judge.
    A post with no platform language whose text the detector has not seen yet is not: it
    waits for the detector."""
    given = given_language(p)
    return (
        f"({out_of_scope(f'{p}.text', language(given, d))}) IS NULL"
        f" AND ({given} IS NOT NULL OR {d}.text_key IS NOT NULL)"
    )


def scope_columns(p: str = "p", d: str = "d", s: str = "s") -> str:
    """``compound`` (VADER's, NULL out of scope) and ``not_scored`` (the reason a post is out
    of scope, NULL when in) of post ``p`` joined to its ``text_language`` row ``d`` and its
    ``sentiment`` row ``s``, as posts_scored has them (short of 'pending')."""
    reason = out_of_scope(f"{p}.text", language(given_language(p), d))
    return f"CASE WHEN {in_scope(p, d)} THEN {s}.compound END AS compound, {reason} AS not_scored"


#: The ``posts_scored`` view: every column of ``posts``, the post's ``language`` and where it
#: came from (``language_source``: platform, detected, undetermined, or not checked), why it
#: has no score (``not_scored``: language, no_text or pending; NULL when scored) and VADER's
#: scores, NULL unless the post is in scope and scored.
POSTS_SCORED_VIEW = f"""
CREATE OR REPLACE VIEW posts_scored AS
SELECT * EXCLUDE (given_language, checked, s_compound, s_pos, s_neu, s_neg),
       CASE WHEN not_scored IS NULL THEN s_compound END AS compound,
       CASE WHEN not_scored IS NULL THEN s_pos END AS pos,
       CASE WHEN not_scored IS NULL THEN s_neu END AS neu,
       CASE WHEN not_scored IS NULL THEN s_neg END AS neg
FROM (
    SELECT *,
           coalesce({out_of_scope("text", "language")},
                    CASE WHEN given_language IS NULL AND NOT checked THEN 'pending'
                         WHEN s_compound IS NULL THEN 'pending' END) AS not_scored
    FROM (
        SELECT p.*, {language("p.given_language")} AS language,
               CASE WHEN p.given_language IS NOT NULL THEN 'platform'
                    WHEN d.confidence >= {MIN_CONFIDENCE} THEN 'detected'
                    WHEN d.text_key IS NOT NULL THEN 'undetermined'
                    ELSE 'not checked' END AS language_source,
               d.text_key IS NOT NULL AS checked,
               s.compound AS s_compound, s.pos AS s_pos, s.neu AS s_neu, s.neg AS s_neg
        FROM (SELECT *, {given_language("posts")} AS given_language FROM posts) p
        LEFT JOIN text_language d ON d.text_key = p.text_key
        LEFT JOIN sentiment s ON s.text_key = p.text_key
    )
)
"""

# ---- the language detector's work ----------------------------------------------------------

#: Texts of posts without a platform language that the detector has not seen yet.
_UNCHECKED = f"""
    FROM posts p
    WHERE ({given_language("p")}) IS NULL
      AND NOT EXISTS (SELECT 1 FROM text_language d WHERE d.text_key = p.text_key)
"""

UNCHECKED_COUNT = f"SELECT count(DISTINCT text_key) {_UNCHECKED}"

# text_key travels as its two 64-bit halves (see sentiment_sql)
UNCHECKED_TEXTS = f"""
    SELECT (text_key >> 64)::UBIGINT, (text_key & 18446744073709551615::UHUGEINT)::UBIGINT,
           any_value(text)
    {_UNCHECKED}
    GROUP BY text_key
"""

INSERT_LANGUAGES = """
    INSERT INTO text_language (text_key, lang, confidence)
    SELECT (hi::UHUGEINT << 64) | lo::UHUGEINT, l, c
    FROM (SELECT unnest(?::UBIGINT[]) AS hi, unnest(?::UBIGINT[]) AS lo,
                 unnest(?::VARCHAR[]) AS l, unnest(?::DOUBLE[]) AS c)
"""
