"""Text from submissions made safe to print: control characters escaped, lengths capped."""
from __future__ import annotations

import os

MAX_MESSAGE_CHARS = 2000                 # of one grades.csv message


def printable(text: str, keep: str = "\n\t") -> str:
    """``text`` with control characters (terminal escapes), format characters and the
    undecodable bytes of a file name shown as escapes (``\\x1b``), but those in ``keep``."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(ch if ch in keep or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
                   else ascii(ch)[1:-1] for ch in text)


def shown(name) -> str:
    """A file or folder name as one line of the summary (newlines escaped too)."""
    return printable(os.fsdecode(name), keep="")


def capped(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` printable (:func:`printable`) and at most ``limit`` characters."""
    text = printable(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"
