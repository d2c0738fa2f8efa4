"""The incident's terms: the hashtags and handles that characterise the archive, and the test
of whether a post or a link is about the incident.

:func:`of` returns :class:`IncidentTerms` (memoised per run):

* ``hashtags``: the hashtags used, in posts of their own (retweets copy their original's
  words and are left out), by at least ``terms_min_share`` of the accounts that post in
  their own voice and by at least ``terms_min_accounts`` accounts, most used first, at most
  ``terms_max``; compared without case (#AskJPM is #askjpm);
* ``handles``: the brand's handles (always, marked ``brand``), then the handles mentioned by
  as many accounts, at most ``terms_max``;
* ``keywords``: the words a text is searched for: each hashtag and handle with everything
  but letters and digits removed, lower case (``askjpm``, ``acmebank``), those of three
  characters or more;
* ``accounts``: the accounts posting in their own voice (the shares' denominator).

Each :class:`Term` holds ``text`` (lower case, no # or @), ``written`` (as most often
written), ``kind`` ("hashtag" or "handle"), ``brand`` and ``accounts``: a
:class:`~app.core.model.Figure` of the accounts that used it (``Source("term_accounts")``).

**About the incident.** :meth:`IncidentTerms.about` tells whether a post is about the
incident: it carries one of the hashtags, mentions one of the handles, or its text names a
keyword, as a word or as consecutive words written apart ("Acme Bank" names ``acmebank``),
or, for keywords of six characters or more and for keywords in scripts written without
spaces, anywhere in the text. :meth:`IncidentTerms.about_url` applies the same test of
words to a link's address past its host (the slug of
``/2013/11/13/jpmorgan-twitter-askjpm_n_4271334.html`` names ``jpmorgan`` and ``askjpm``).
Both return ``(how, term)``: how in "hashtag", "mention", "keyword", "url"; or None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core import press_list
from app.core.analysis import figures as fig
from app.core.analysis.context import Context
from app.core.model import Figure, Source
from app.core.store import press_sql as q

_SPLIT = re.compile(r"[\W_]+", re.UNICODE)
_LINK = re.compile(r"https?://\S+", re.I)
#: how many consecutive words may spell one keyword ("Acme Bank" -> acmebank)
_GRAMS = 3


@dataclass(frozen=True)
class Term:
    text: str
    written: str
    kind: str
    accounts: Figure
    brand: bool = False


@dataclass(frozen=True)
class IncidentTerms:
    hashtags: tuple[Term, ...]
    handles: tuple[Term, ...]
    keywords: frozenset[str]
    accounts: Figure

    def about(
        self, text: str | None, hashtags: Iterable[str] = (), mentions: Iterable[str] = ()
    ) -> tuple[str, str] | None:
        """Why a post is about the incident (see the module's notes), or None."""
        tags = {h.lower().lstrip("#") for h in hashtags if h}
        for t in self.hashtags:
            if t.text in tags:
                return ("hashtag", t.text)
        named = {m.lower().lstrip("@") for m in mentions if m}
        for t in self.handles:
            if t.text in named:
                return ("mention", t.text)
        hit = self._words(_LINK.sub(" ", text or ""))
        return ("keyword", hit) if hit else None

    def about_url(self, url: str | None) -> tuple[str, str] | None:
        """Whether a link's address (past its host) names one of the keywords."""
        hit = self._words(press_list.url_path(url or ""))
        return ("url", hit) if hit else None

    def _words(self, text: str) -> str | None:
        if not self.keywords or not text:
            return None
        words = [w for w in _SPLIT.split(text.lower()) if w]
        grams = set(words)
        for n in range(2, _GRAMS + 1):
            grams.update("".join(words[i : i + n]) for i in range(len(words) - n + 1))
        joined = "".join(words)
        for k in sorted(self.keywords):
            if k in grams or ((len(k) >= 6 or _unspaced(k)) and k in joined):
                return k
        return None


def keyword(term: str) -> str:
    """A term as the text search compares it: letters and digits only, lower case."""
    return "".join(w for w in _SPLIT.split(term.lower()) if w)


def _unspaced(word: str) -> bool:
    """Whether ``word`` is in a script written without spaces between words (Chinese,
    Japanese, Thai, ...), where a word cannot be told apart by spaces."""
    for ch in word:
        name = unicodedata.name(ch, "")
        if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "HANGUL")):
            return True
    return False


def of(ctx: Context) -> IncidentTerms:
    """The incident's terms (memoised per run)."""
    hit = ctx.memo.get("terms")
    if hit is None:
        hit = ctx.memo["terms"] = measure(ctx.con, ctx.brand, ctx.settings, rollups=ctx.rolled)
    return hit


def measure(con, brand: Sequence[str], settings, rollups: bool = False) -> IncidentTerms:
    total = q.own_voice_accounts(con, rollups)
    accounts = fig.count(total, "accounts", Source.of("own_voice_accounts"))
    floor = max(int(settings.terms_min_accounts), int(-(-settings.terms_min_share * total // 1)))
    limit = int(settings.terms_max)
    hashtags = tuple(
        Term(
            u.term,
            u.written,
            "hashtag",
            fig.count(u.accounts, "accounts", Source.of("term_accounts", hashtag=u.term)),
        )
        for u in q.term_uses(con, "hashtags", floor, limit, rollups=rollups)
    )
    brand_keys = [press_list.clean_handle(b) for b in brand if b]
    # the most mentioned handles, and the brand's however often, in one pass
    mentions = q.term_uses(con, "mentions", floor, limit + len(brand_keys), also=brand_keys, rollups=rollups)
    used = {u.term: u for u in mentions if u.term in brand_keys}
    handles = [
        Term(
            b,
            used[b].written if b in used else b,
            "handle",
            fig.count(used[b].accounts if b in used else 0, "accounts", Source.of("term_accounts", handle=b)),
            brand=True,
        )
        for b in brand_keys
    ]
    for u in mentions:
        if u.in_top and u.term not in brand_keys and len(handles) < limit + len(brand_keys):
            handles.append(
                Term(
                    u.term,
                    u.written,
                    "handle",
                    fig.count(u.accounts, "accounts", Source.of("term_accounts", handle=u.term)),
                )
            )
    keywords = frozenset(k for t in (*hashtags, *handles) if len(k := keyword(t.text)) >= 3)
    return IncidentTerms(hashtags, tuple(handles), keywords, accounts)
