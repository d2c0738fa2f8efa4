"""Post text is untrusted: helpers that keep it from acting on whatever shows it.

Three readers can be attacked by the text of a post, and each has its helper here:

* a **terminal**, through control sequences (``ESC ] 0 ; title BEL`` renames the window,
  ``ESC [ 2 J`` clears it, ...): :func:`terminal_safe` prints every control character as a
  visible escape (``\\x1b``), so a post can never drive the terminal it is printed on;
* a **spreadsheet**, through cells that start like a formula (``=HYPERLINK(...)``):
  :func:`spreadsheet_cell` prefixes such a cell with a quote as OWASP recommends ("CSV
  injection"), and :func:`spreadsheet_cell_in` undoes exactly that when the file is read back;
* a **report**, through Unicode's bidirectional controls: a right-to-left override (U+202E)
  in a post would reverse the report's own words after it. :func:`bidi_isolate` closes what
  the text opens and wraps it in an isolate (FSI ... PDI), so that whatever the post holds,
  it is laid out on its own and the sentence around it reads as written.

Plain Python, no Qt: the CLI, the exports and the report renderers share them.
"""

from __future__ import annotations

import re

# ---- terminals -------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL, the C1 controls (U+0080-U+009F, CSI among them), and
# the bidi controls (a terminal that lays out bidi text would reorder our own words too).
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match) -> str:
    c = m.group(0)
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def terminal_safe(text: str, keep_newlines: bool = True) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``):
    nothing in it can move the cursor, set the title or clear the screen. Newlines (and tabs)
    are kept unless ``keep_newlines`` is false, when a newline becomes ``\\n`` too."""
    out = _TERMINAL_UNSAFE.sub(_visible, text)
    if not keep_newlines:
        out = out.replace("\n", "\\n").replace("\t", "\\t")
    return out


# ---- spreadsheets ------------------------------------------------------------------------------

# Spreadsheet programs run a cell starting with = + - @ (or a tab or return) as a formula:
# such cells are written with a leading ' and read back without it. A cell that already
# starts with quotes before such a character gets one more, so reading undoes exactly this.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")


def spreadsheet_cell(text: str) -> str:
    """A text cell of a CSV meant for spreadsheets, defused: ``=1+1`` -> ``'=1+1``."""
    return "'" + text if _FORMULA.match(text) else text


def spreadsheet_cell_in(text: str) -> str:
    """The inverse of :func:`spreadsheet_cell`, for reading such a file back."""
    return text[1:] if _QUOTED.match(text) else text


# ---- bidirectional text --------------------------------------------------------------------------

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_EMBEDDINGS = frozenset((LRE, RLE, LRO, RLO))
_ISOLATES = frozenset((LRI, RLI, FSI))
# Paragraph separators (bidi class B): embeddings and isolates never reach past them.
_PARAGRAPH = re.compile("(\r\n|[\n\r\x1c-\x1e\x85\u2029])")


def _balanced(paragraph: str) -> str:
    """The paragraph with every bidi control closed where the text leaves it open, and every
    closer that closes nothing of the text's own dropped (it would close ours)."""
    out: list[str] = []
    # the open controls, innermost last: an embedding/override is closed by PDF, an isolate
    # by PDI, and a PDI also closes the embeddings opened inside its isolate
    stack: list[str] = []
    for c in paragraph:
        if c in _EMBEDDINGS or c in _ISOLATES:
            stack.append(c)
        elif c == PDF:
            if not stack or stack[-1] not in _EMBEDDINGS:
                continue  # nothing of the text's own to close at this level
            stack.pop()
        elif c == PDI:
            if not any(s in _ISOLATES for s in stack):
                continue
            while stack.pop() not in _ISOLATES:
                out.append(PDF)
        out.append(c)
    for s in reversed(stack):
        out.append(PDI if s in _ISOLATES else PDF)
    return "".join(out)


def bidi_isolate(text: str) -> str:
    """``text`` laid out on its own, whatever bidi controls it holds: each paragraph of it is
    balanced and wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, so its
    direction comes from its own first letter and nothing in it reorders the words around it.
    Text without any right-to-left letter or bidi control comes back unchanged."""
    if not text or not _needs_isolation(text):
        return text
    parts = _PARAGRAPH.split(text)
    # split() keeps the separators at odd positions
    return "".join(p if i % 2 else (FSI + _balanced(p) + PDI if p else p) for i, p in enumerate(parts))


# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, ... and their presentation forms,
# the right-to-left marks and the bidi controls themselves.
_RTL_OR_CONTROL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u061c\u202a-\u202e\u2066-\u2069"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def _needs_isolation(text: str) -> bool:
    return _RTL_OR_CONTROL.search(text) is not None
