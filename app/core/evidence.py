"""Evidence: posts the user singles out while reading the incident, as in a forensic timeline.

A post can be starred (the tag :data:`STAR`), carry any number of tags (short words such as
"misquote" or "legal") and one comment. Tags filter every view (``PostFilter.tag``). Tagged
posts can be attached to a turning point, and then travel with it into the report.

How an attachment is kept: in the turning point's own evidence (``annotations.evidence``, JSON),
under the key :data:`ATTACHED`, as a list of ``{"platform": ..., "post_id": ...}`` in the order
they were attached. So an attachment is undone, redone, exported and imported with its
turning point, and :func:`attached_posts` reads the posts back (with their tags and comment)
for the report's turning-point section.

Posts are known by ``(platform, post_id)``. Every write is committed at once, on its own
cursor, and bumps the "tags" counter of :mod:`app.core.changes` (filtered series are cached).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from app.core import changes
from app.core.annotations import Annotation
from app.core.errors import UserError
from app.core.metrics import ANY_TAG, PostRow
from app.core.store import evidence_sql as q
from app.core.store.db import Connection
from app.core.store.workspace import Workspace

#: the star is a tag like any other, with this name
STAR = "starred"
#: the key of a turning point's evidence that lists the posts attached to it
ATTACHED = "attached_posts"
MAX_TAG = 40
MAX_COMMENT = 4000

PostKey = tuple[str, str]


@dataclass(frozen=True)
class EvidencePost:
    """A post with the user's tags and comment; ``post`` is ``None`` if the workspace no longer
    holds it (a turning point imported from another workspace, say)."""

    platform: str
    post_id: str
    post: PostRow | None
    tags: tuple[str, ...] = ()
    comment: str = ""

    @property
    def key(self) -> PostKey:
        return (self.platform, self.post_id)

    @property
    def starred(self) -> bool:
        return STAR in self.tags


# ---- tags -------------------------------------------------------------------------------------


def check_tag(tag: str) -> str:
    """A tag as it is kept: trimmed, inner spaces single, lower case; or :class:`UserError`."""
    t = re.sub(r"\s+", " ", (tag or "").strip()).lower().lstrip("#")
    if not t:
        raise UserError("A tag needs at least one letter, e.g. “misquote”.")
    if t == ANY_TAG:
        raise UserError("“*” stands for “any tag” in the filter, so it cannot be a tag.")
    if len(t) > MAX_TAG:
        raise UserError(f"Keep a tag under {MAX_TAG} characters; put longer words in the comment.")
    return t


def _lists(posts: Iterable[PostKey]) -> tuple[list[str], list[str]]:
    keys = list(dict.fromkeys((str(p), str(i)) for p, i in posts))
    return [k[0] for k in keys], [k[1] for k in keys]


def add_tag(ws: Workspace, posts: Iterable[PostKey], tag: str) -> int:
    """Tag the posts (those already tagged so are left as they are); return how many posts."""
    tag = check_tag(tag)
    platforms, ids = _lists(posts)
    if platforms:
        ws.cursor().execute(q.ADD_TAG, [tag, _now(), platforms, ids])
        changes.bump(ws.path, "tags")
    return len(platforms)


def remove_tag(ws: Workspace, posts: Iterable[PostKey], tag: str) -> int:
    tag = check_tag(tag)
    platforms, ids = _lists(posts)
    if platforms:
        ws.cursor().execute(q.REMOVE_TAG, [tag, platforms, ids])
        changes.bump(ws.path, "tags")
    return len(platforms)


def toggle_star(ws: Workspace, posts: Sequence[PostKey], con: Connection | None = None) -> bool:
    """Star the posts unless all of them are starred already (then unstar them); return
    whether they are starred now."""
    tags = tags_of(ws, posts, con=con)
    all_starred = bool(posts) and all(STAR in tags.get((p, i), ()) for p, i in posts)
    if all_starred:
        remove_tag(ws, posts, STAR)
    else:
        add_tag(ws, posts, STAR)
    return not all_starred


def rename_tag(ws: Workspace, old: str, new: str) -> None:
    """Give every post tagged ``old`` the tag ``new`` instead (merging with ``new``)."""
    old, new = check_tag(old), check_tag(new)
    if old == new:
        return
    with ws.transaction(ws.cursor()) as con:
        con.execute(q.RENAME_TAG, [new, old])
        con.execute(q.DELETE_TAG, [old])
    changes.bump(ws.path, "tags")


def delete_tag(ws: Workspace, tag: str) -> None:
    ws.cursor().execute(q.DELETE_TAG, [check_tag(tag)])
    changes.bump(ws.path, "tags")


def tags_of(
    ws: Workspace, posts: Iterable[PostKey], con: Connection | None = None
) -> dict[PostKey, tuple[str, ...]]:
    """The tags of each of the posts that has any, sorted."""
    platforms, ids = _lists(posts)
    if not platforms:
        return {}
    out: dict[PostKey, list[str]] = {}
    for platform, post_id, tag in (con or ws.cursor()).execute(q.TAGS_OF, [platforms, ids]).fetchall():
        out.setdefault((platform, post_id), []).append(tag)
    return {k: tuple(v) for k, v in out.items()}


def all_tags(ws: Workspace, con: Connection | None = None) -> list[tuple[str, int]]:
    """Every tag in use and how many posts carry it, the most used first."""
    return [(t, int(n)) for t, n in (con or ws.cursor()).execute(q.ALL_TAGS).fetchall()]


# ---- comments ---------------------------------------------------------------------------------


def set_comment(ws: Workspace, post: PostKey, comment: str) -> None:
    """Keep the user's comment on a post (an empty comment removes it)."""
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise UserError(f"Keep a comment under {MAX_COMMENT:,} characters.")
    platform, post_id = str(post[0]), str(post[1])
    if text:
        ws.cursor().execute(q.SET_COMMENT, [platform, post_id, text, _now()])
    else:
        ws.cursor().execute(q.DELETE_COMMENT, [platform, post_id])
    changes.bump(ws.path, "tags")


def comments_of(ws: Workspace, posts: Iterable[PostKey], con: Connection | None = None) -> dict[PostKey, str]:
    platforms, ids = _lists(posts)
    if not platforms:
        return {}
    rows = (con or ws.cursor()).execute(q.COMMENTS_OF, [platforms, ids]).fetchall()
    return {(p, i): c for p, i, c in rows}


# ---- posts with their evidence ----------------------------------------------------------------


def posts(ws: Workspace, keys: Sequence[PostKey], con: Connection | None = None) -> list[EvidencePost]:
    """The posts of ``keys``, in that order, with their tags and comments."""
    con = con or ws.cursor()
    platforms, ids = _lists(keys)
    if not platforms:
        return []
    rows = {
        (r.platform, r.post_id): r
        for r in (PostRow.from_row(x) for x in con.execute(q.POSTS_BY_KEYS, [platforms, ids]).fetchall())
    }
    tags = tags_of(ws, zip(platforms, ids, strict=True), con=con)
    comments = comments_of(ws, zip(platforms, ids, strict=True), con=con)
    return [
        EvidencePost(p, i, rows.get((p, i)), tags.get((p, i), ()), comments.get((p, i), ""))
        for p, i in zip(platforms, ids, strict=True)
    ]


def evidence_posts(ws: Workspace, tag: str = "", con: Connection | None = None) -> list[EvidencePost]:
    """Every post the user tagged or commented on (only those tagged ``tag`` if given), in
    the order they were posted."""
    con = con or ws.cursor()
    keys = [(p, i) for p, i, _at in con.execute(q.EVIDENCE_KEYS).fetchall()]
    found = posts(ws, keys, con=con)
    if tag:
        wanted = check_tag(tag) if tag != ANY_TAG else ANY_TAG
        found = [e for e in found if e.tags and (wanted == ANY_TAG or wanted in e.tags)]
    far_future = datetime.max
    return sorted(found, key=lambda e: (e.post.created_at if e.post else far_future, e.platform, e.post_id))


# ---- attached to a turning point --------------------------------------------------------------


def attached_keys(a: Annotation) -> list[PostKey]:
    """The posts attached to a turning point, in the order they were attached."""
    items = (a.evidence or {}).get(ATTACHED) or []
    out: list[PostKey] = []
    for item in items:
        if isinstance(item, dict) and item.get("platform") and item.get("post_id"):
            key = (str(item["platform"]), str(item["post_id"]))
            if key not in out:
                out.append(key)
    return out


def with_attached(a: Annotation, keys: Iterable[PostKey]) -> Annotation:
    """``a`` with the posts added to its attached evidence (those already there stay where
    they are); store it with :func:`app.core.annotations.update` (the window does so through
    its undo stack)."""
    kept = attached_keys(a)
    for platform, post_id in keys:
        key = (str(platform), str(post_id))
        if key not in kept:
            kept.append(key)
    return _with_keys(a, kept)


def without_attached(a: Annotation, keys: Iterable[PostKey]) -> Annotation:
    gone = {(str(p), str(i)) for p, i in keys}
    return _with_keys(a, [k for k in attached_keys(a) if k not in gone])


def _with_keys(a: Annotation, keys: list[PostKey]) -> Annotation:
    evidence = dict(a.evidence or {})
    if keys:
        evidence[ATTACHED] = [{"platform": p, "post_id": i} for p, i in keys]
    else:
        evidence.pop(ATTACHED, None)
    return replace(a, evidence=evidence or None)


def attached_posts(ws: Workspace, annotation_id: int, con: Connection | None = None) -> list[EvidencePost]:
    """The posts attached to the turning point ``annotation_id``, in the order they were
    attached, with their tags and comments (``post`` is None for one no longer in the
    workspace); [] if there is no such turning point."""
    from app.core import annotations

    a = annotations.get(ws, annotation_id, con=con)
    if a is None:
        return []
    return posts(ws, attached_keys(a), con=con)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
