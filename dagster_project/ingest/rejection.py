"""How a file's rejection is told: one short message naming the file and what is wrong, never its
content.

The message goes to `raw.load_log.message`, the run log and the asset metadata, all of which are
read more widely than the data: so it names the file, the line, the column and the rule, is capped
at MAX_MESSAGE characters, and a file name is shown with its control characters (and any bytes
that are not UTF-8) escaped as `\\xNN`, so a hostile name cannot forge log lines or break a table.
"""

from __future__ import annotations

import re

MAX_MESSAGE = 300  # characters of a load-log message
MAX_NAME = 120  # characters of a file name shown in a message
MAX_COLUMN_NAME = 30  # characters of an unknown header name shown in a message


def _escaped(ch: str) -> str:
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # a byte that is not UTF-8, as os.listdir decodes it
        return f"\\x{o - 0xDC00:02x}"
    if o < 0x20 or 0x7F <= o < 0xA0 or 0xD800 <= o <= 0xDFFF:
        return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"
    return ch


def shown(text: str, limit: int = MAX_NAME) -> str:
    """`text` (a file or column name) safe to print: control characters escaped, capped."""
    out = "".join(_escaped(ch) for ch in text)
    return out if len(out) <= limit else out[: limit - 3] + "..."


def capped(message: str, limit: int = MAX_MESSAGE) -> str:
    message = " ".join(message.split())  # one line, whatever a part held
    return message if len(message) <= limit else message[: limit - 3] + "..."


class FileRejected(Exception):
    """A file that cannot be read as a whole. `str(exc)` is the one message for the load log."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(capped(f"{shown(file)} rejected: {reason}"))


def error_summary(error: str, limit: int = 100) -> str:
    """The first line of a parser's error, without anything it quotes from the file (DuckDB adds
    an `Original Line: ...`, openpyxl quotes cell text): quoted parts become `'...'`."""
    first = error.strip().splitlines()[0] if error.strip() else "unknown error"
    first = re.sub(r"(['\"]).*?(\1|$)", "'...'", first.split("Original Line")[0]).strip()
    return shown(first, limit)
