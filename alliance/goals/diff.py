"""A word-level diff of two texts, as HTML that reads well with and without sight.

Removed words are wrapped in <del>, added words in <ins>; each change also carries a visually
hidden "removed:" or "added:" so a screen reader, which usually ignores <del> and <ins>, says
what happened.
"""

import re
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A word with the space after it: changed runs of words then read as whole phrases.
_TOKENS = re.compile(r"^\s+|\S+\s*")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def _removed(words: list[str]) -> str:
    return f'<del><span class="visually-hidden">removed: </span>{escape("".join(words))}</del>'


def _added(words: list[str]) -> str:
    return f'<ins><span class="visually-hidden">added: </span>{escape("".join(words))}</ins>'


def word_diff(before: str, after: str) -> SafeString:
    old, new = _tokens(before), _tokens(after)
    parts = []
    # Words are compared without their spacing, so a word gaining a neighbour is not "changed".
    matcher = SequenceMatcher(
        a=[t.strip() for t in old], b=[t.strip() for t in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            parts.append(_removed(old[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(_added(new[j1:j2]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def list_diff(before: list[str], after: list[str]) -> SafeString:
    """Items kept, dropped and added, in the order of `after` then the dropped ones."""
    before = list(before or [])
    after = list(after or [])
    parts = []
    for item in after:
        parts.append(escape(item) if item in before else _added([item]))
    for item in before:
        if item not in after:
            parts.append(_removed([item]))
    return mark_safe(", ".join(parts))  # noqa: S308 - every item is escaped


def changed(before, after) -> bool:
    return (before or None) != (after or None)
