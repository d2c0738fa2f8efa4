"""The X (Twitter) account archive: ``tweets.js`` files, loose or inside the downloaded .zip.

The archive wraps JSON in JavaScript (``window.YTD.tweets.part0 = [...]``): the prefix is
dropped while the file is copied, in bounded memory, to a temporary JSON file that DuckDB
reads. The author of every post is the archive's owner, named in ``account.js``; the archive
carries no follower counts, so those stay unknown.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
import zlib
from pathlib import Path
from typing import IO

from app.core.errors import ImportFailed
from app.core.ingest.detect import TWEETS_JS, damaged_compression, decompression_errors, open_decompressed
from app.core.ingest.sources import read_sibling, write_temp
from app.core.ingest.staging import STAGE, StageContext
from app.core.progress import check
from app.core.store import ingest_sql as q

_PREFIX = re.compile(rb"^\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*")
_CHUNK = 1 << 20


def _strip_prefix(src: IO[bytes], dst: IO[bytes]) -> None:
    head = src.read(4096)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    m = _PREFIX.match(head)
    dst.write(head[m.end() :] if m else head)
    shutil.copyfileobj(src, dst, _CHUNK)


def _account(data: bytes | None) -> tuple[str | None, str | None, str | None]:
    """(account id, handle, display name) from account.js, or Nones."""
    if not data:
        return None, None, None
    m = _PREFIX.match(data)
    try:
        items = json.loads(data[m.end() :] if m else data)
        acc = items[0].get("account", items[0])
    except (ValueError, IndexError, AttributeError, TypeError):
        return None, None, None
    return acc.get("accountId"), acc.get("username"), acc.get("accountDisplayName")


def _part_key(name: str) -> tuple[int, str]:
    m = re.search(r"part(\d+)", Path(name).name)
    return (int(m.group(1)) if m else 0, name)


def stage(ctx: StageContext) -> None:
    parts: list[Path] = []
    account_js: bytes | None = None
    if ctx.detected.layout == "x-zip":
        try:
            with zipfile.ZipFile(ctx.path) as zf:
                infos = zf.infolist()
                names = sorted(
                    (i.filename for i in infos if not i.is_dir() and TWEETS_JS.match(Path(i.filename).name)),
                    key=_part_key,
                )
                accounts = [i for i in infos if not i.is_dir() and Path(i.filename).name == "account.js"]
                if accounts:
                    account_js = zf.read(accounts[0])
                for i, member in enumerate(names):
                    check(ctx.progress)
                    out = ctx.tmpdir / f"part{i}.json"
                    with zf.open(member) as src:
                        _copy_out(ctx, src, out)
                    parts.append(out)
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise ImportFailed(
                str(ctx.path), f"the zip file is damaged or cut short ({exc}); download the archive again."
            ) from None
        except OSError as exc:
            raise ImportFailed(
                str(ctx.path), f"the zip file could not be read ({exc.strerror or exc})."
            ) from None
    else:
        account_js = read_sibling(ctx.path, "account.js")
        if account_js is None and ctx.report is not None:
            ctx.report.warnings.append(
                f"{ctx.path.with_name('account.js')} is missing or not a readable file: the posts' author is unknown "
                "(import the archive's .zip, or its whole folder, to have it)"
            )
        out = ctx.tmpdir / "part0.json"
        try:
            with open_decompressed(ctx.path, ctx.detected.compression) as src:
                _copy_out(ctx, src, out)
        except decompression_errors():
            raise damaged_compression(ctx.path, ctx.detected.compression) from None
        parts.append(out)
    author_id, handle, name = _account(account_js)
    source = q.ARRAY_ELEMENTS
    ctx.run(
        f"CREATE TEMP TABLE {STAGE} AS {q.stage_x_archive(source)}",
        # the account's fields come first: they stand before the source in the query text
        [author_id, handle, name, [str(p) for p in parts], "none"],
    )


def _copy_out(ctx: StageContext, src: IO[bytes], out: Path) -> None:
    """Copy a tweets file, less its JavaScript prefix, to the temp folder: a full temp folder
    is said as such, not taken for a damaged archive."""
    write_temp(ctx.path, out, lambda dst: _strip_prefix(src, dst))
