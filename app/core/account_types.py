"""Kinds of account the app tells apart: the brand's own (set per workspace), the press (the
outlets of the bundled press list, ``app.core.press_list``) and everyone else."""

from __future__ import annotations

from functools import lru_cache

ACCOUNT_TYPES = ("brand", "press", "others")
ACCOUNT_TYPE_NAMES = {"brand": "The brand", "press": "Press", "others": "Everyone else"}


@lru_cache(maxsize=1)
def press_handles() -> frozenset[str]:
    """The press accounts' handles, lower case, without ``@``."""
    from app.core import press_list  # the one reader of the press list

    press = press_list.load()
    return frozenset(h.lower() for h in press.accounts)
