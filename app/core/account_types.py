"""Kinds of account the app tells apart: the brand's own (set per workspace), the press (the
outlets of ``resources/press.json``) and everyone else."""

from __future__ import annotations

from functools import lru_cache

ACCOUNT_TYPES = ("brand", "press", "others")
ACCOUNT_TYPE_NAMES = {"brand": "The brand", "press": "Press", "others": "Everyone else"}


@lru_cache(maxsize=1)
def press_handles() -> frozenset[str]:
    """The press accounts' handles, lower case, without ``@``."""
    from app.core.turning_points import load_press_list  # the one reader of the press list

    press = load_press_list()
    return frozenset(h.lower() for h in press.accounts)
