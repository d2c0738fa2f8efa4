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

#: The platform's language code ``{v}.lang`` as a bare lower-case code ("en-GB" -> "en",
#: "eng" -> "en"), NULL when it gave none (or a "no language" code).
GIVEN_LANGUAGE = """CASE
    WHEN {v}.lang IS NULL THEN NULL
    WHEN lower(trim({v}.lang)) IN ('eng', 'english') THEN 'en'
    WHEN lower(regexp_extract(trim({v}.lang), '^([A-Za-z]{{2,3}})([-_].*)?$', 1))
         IN ('', {no_language}) THEN NULL
    ELSE lower(regexp_extract(trim({v}.lang), '^([A-Za-z]{{2,3}})([-_].*)?$', 1))
END"""


def given_language(v: str) -> str:
    return GIVEN_LANGUAGE.format(v=v, no_language=", ".join(f"'{c}'" for c in NO_LANGUAGE))


#: Each distinct ``posts.lang`` with its code (``given_language``). Joined to the posts on
#: ``lang``: an archive of millions of posts holds a few dozen distinct values, and reading
#: the code of each post instead costs ten times more (measured: 0.63 s against 0.07 s for
#: 5M posts on one core). A post without a language finds no row, hence no code, as it should.
LANGUAGES = f"""(
    SELECT lang, {given_language("l")} AS given_language FROM (SELECT DISTINCT lang FROM posts) l
)"""


def joins(p: str = "p", g: str = "g", d: str = "d") -> str:
    """Post ``p`` joined to its platform language's code (``g``) and its text's detected
    language (``d``, a ``text_language`` row): what the other fragments read."""
    return (
        f"LEFT JOIN {LANGUAGES} {g} ON {g}.lang = {p}.lang "
        f"LEFT JOIN text_language {d} ON {d}.text_key = {p}.text_key"
    )


def language(given: str, d: str = "d") -> str:
    """The post's language: the platform's, else the detector's when it is sure enough."""
    return f"coalesce({given}, CASE WHEN {d}.confidence >= {MIN_CONFIDENCE} THEN {d}.lang END)"


def out_of_scope(text: str, lang: str) -> str:
    """Why a post is out of VADER's scope ('no_text', 'language'), NULL when it is in."""
    return f"""CASE WHEN trim({text}) = '' THEN 'no_text'
                    WHEN coalesce({lang}, 'en') <> 'en' THEN 'language' END"""


def reason(p: str = "p", g: str = "g", d: str = "d") -> str:
    """Why post ``p`` (with :func:`joins`) is out of scope, NULL when it is in."""
    return out_of_scope(f"{p}.text", language(f"{g}.given_language", d))


def in_scope(p: str = "p", g: str = "g", d: str = "d") -> str:
    """Whether post ``p`` (with :func:`joins`) is VADER's to judge. A post with no platform
    language whose text the detector has not seen yet is not: it waits for the detector."""
    return f"({reason(p, g, d)}) IS NULL AND ({g}.given_language IS NOT NULL OR {d}.text_key IS NOT NULL)"


def scope_columns(p: str = "p", g: str = "g", d: str = "d", s: str = "s") -> str:
    """``compound`` (VADER's, NULL out of scope) and ``not_scored`` (the reason a post is out
    of scope, NULL when in) of post ``p`` with :func:`joins` and its ``sentiment`` row
    ``s``, as posts_scored has them (short of 'pending')."""
    return f"CASE WHEN {in_scope(p, g, d)} THEN {s}.compound END AS compound, {reason(p, g, d)} AS not_scored"


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
        SELECT p.*, g.given_language,
               {language("g.given_language")} AS language,
               CASE WHEN g.given_language IS NOT NULL THEN 'platform'
                    WHEN d.confidence >= {MIN_CONFIDENCE} THEN 'detected'
                    WHEN d.text_key IS NOT NULL THEN 'undetermined'
                    ELSE 'not checked' END AS language_source,
               d.text_key IS NOT NULL AS checked,
               s.compound AS s_compound, s.pos AS s_pos, s.neu AS s_neu, s.neg AS s_neg
        FROM posts p
        {joins()}
        LEFT JOIN sentiment s ON s.text_key = p.text_key
    )
)
"""

# ---- the language detector's work ----------------------------------------------------------

#: Texts of posts without a platform language that the detector has not seen yet.
_UNCHECKED = f"""
    FROM posts p LEFT JOIN {LANGUAGES} g ON g.lang = p.lang
    WHERE g.given_language IS NULL
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
