"""Bluesky posts: as twitwi / minet write them (the API's post views, one per line or in a JSON
list, some wrapped as feed items, a repost naming who reposted it and when), and the repository
export Bluesky gives its users (``repo.car``, Settings > Export my data).

Post views are read by DuckDB (:mod:`app.core.store.ingest_social_sql`). A repository is a CAR
file of DAG-CBOR blocks: it is decoded with libipld (the reader the ``atproto`` package itself
uses, without that package's network stack), its posts and reposts written as post views in
the import's temporary folder, and read from there the same way. A repository names its
account only by DID (the handle is not in it) and carries no counts: likes, reposts and
followers stay unknown.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.core.errors import ImportFailed
from app.core.ingest.sources import temp_write_failed
from app.core.ingest.staging import STAGE, StageContext, record_source
from app.core.store import ingest_social_sql as q
from app.core.store import ingest_sql

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"


def looks_like_car(head: bytes) -> bool:
    """A CAR v1 file: a varint length, then a DAG-CBOR map holding ``roots`` and ``version``."""
    if len(head) < 12 or head[0] == 0 or head[0] > 0x7F:
        return False
    return head[1] in (0xA2,) and b"roots" in head[:64] and b"version" in head[:64]


def stage(ctx: StageContext) -> None:
    if ctx.detected.layout == "car":
        views = _car_to_views(ctx)
        ctx.run(f"CREATE TEMP TABLE {STAGE} AS {q.stage_bluesky(ingest_sql.LINES)}", [str(views), "none"])
        return
    source, params = record_source(ctx)
    ctx.run(f"CREATE TEMP TABLE {STAGE} AS {q.stage_bluesky(source)}", params)


def _cid(value: object) -> str | None:
    import libipld

    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        try:
            return libipld.encode_cid(bytes(value))
        except Exception:  # noqa: BLE001 - not a CID: no link
            return None
    return None


def _plain(value: object) -> object:
    """A record as JSON: links as CID text, other bytes (signatures, blobs' data) dropped."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return _cid(value)
    return value


def read_repository(path: Path) -> tuple[str | None, list[tuple[str, str, dict]]]:
    """(the account's DID, [(collection/rkey, cid, record)]) of a repository CAR file."""
    import libipld

    try:
        header, blocks = libipld.decode_car(path.read_bytes())
    except OSError as exc:
        raise ImportFailed(str(path), f"the file could not be read ({exc.strerror or exc}).") from None
    except Exception:  # noqa: BLE001 - libipld says "invalid" in many words: all mean damaged
        raise ImportFailed(
            str(path), "the Bluesky repository (.car) file is damaged or cut short; export it again."
        ) from None
    blocks = {_cid(k): v for k, v in blocks.items()}
    roots = header.get("roots") or []
    commit = blocks.get(_cid(roots[0])) if roots else None
    did = commit.get("did") if isinstance(commit, dict) else None
    entries: list[tuple[str, str, dict]] = []
    for node in blocks.values():
        # a node of the repository's Merkle search tree: keys are written as a shared prefix
        # length and the rest, each after the one before
        if not (isinstance(node, dict) and isinstance(node.get("e"), list) and "l" in node):
            continue
        key = b""
        for e in node["e"]:
            if not isinstance(e, dict) or not isinstance(e.get("k"), bytes | bytearray):
                continue
            key = key[: int(e.get("p") or 0)] + bytes(e["k"])
            cid = _cid(e.get("v"))
            record = blocks.get(cid)
            if isinstance(record, dict):
                entries.append((key.decode("utf-8", "replace"), cid or "", record))
    return did, entries


def _car_to_views(ctx: StageContext) -> Path:
    did, entries = read_repository(ctx.path)
    if did is None:
        raise ImportFailed(str(ctx.path), "this CAR file is not a Bluesky repository (it names no account).")
    author = {"did": did, "handle": did}
    out = ctx.tmpdir / "views.jsonl"
    skipped = 0
    try:
        with open(out, "w", encoding="utf-8") as fh:
            for key, cid, record in sorted(entries):
                collection, _, _rkey = key.partition("/")
                uri = f"at://{did}/{key}"
                if collection == POST:
                    view = {"uri": uri, "cid": cid, "author": author, "record": _plain(record)}
                elif collection == REPOST:
                    subject = record.get("subject") or {}
                    target = subject.get("uri") if isinstance(subject, dict) else None
                    target_did = (
                        target.split("/")[2] if isinstance(target, str) and target.count("/") >= 3 else None
                    )
                    view = {
                        "post": {
                            "uri": target,
                            "author": {"did": target_did, "handle": target_did},
                            # the reposted post is someone else's: its text is not in this repository
                            "record": {"text": "", "createdAt": record.get("createdAt")},
                        },
                        "reason": {
                            "$type": "app.bsky.feed.defs#reasonRepost",
                            "by": author,
                            "indexedAt": record.get("createdAt"),
                            "uri": uri,
                        },
                    }
                else:
                    skipped += 1  # likes, follows, the profile: not posts
                    continue
                fh.write(json.dumps(view, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise temp_write_failed(ctx.path, exc) from None
    if skipped and ctx.report is not None:
        ctx.report.skipped["other records of the repository (likes, follows, profile)"] = skipped
    return out
