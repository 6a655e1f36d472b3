"""The one CSV writer of every CSV Vigil exports, and its reader's inverse.

Threat: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as
a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``:
"CSV injection"). Names of uploaded videos, labels and feedback come from users, so every text
cell of an export goes through :func:`safe_cell`, which prefixes such a cell with ``'`` (OWASP's
advice: shown as text, the quote hidden). Numbers, and text that is just a number (``-0.5``),
are left as they are. :func:`unsafe_cell` undoes it, so a manifest exported by Vigil reads back
with the exact labels it was written with.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """``value``, with ``'`` in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The inverse of :func:`safe_cell` for a cell read back from a Vigil export."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) \
            and not _NUMBER.match(text[1:]):
        return text[1:]
    return text


class SafeWriter:
    """``csv.writer`` whose every row goes through :func:`safe_cell`."""

    def __init__(self, out: _Writable) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: _Writable) -> SafeWriter:
    """The CSV writer for anything a user may open in a spreadsheet (every export)."""
    return SafeWriter(out)
