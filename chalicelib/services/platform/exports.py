"""Spreadsheet exports: CSV that Excel and LibreOffice open as text, in Greek, and never run.

Every export (audit log, statistics, and any list offered for download) is written by ``to_csv``,
so the one rule for cells is here: a text cell whose first character would make a spreadsheet read
it as a formula or move to another cell (``=``, ``+``, ``-``, ``@``, a tab, a carriage return, and
their full-width forms) starts with an apostrophe instead, as OWASP advises for CSV injection. The
apostrophe shows in the cell; that is the price of never running what a citizen or a clerk typed.

Example::

    to_csv([{"name": "=HYPERLINK(\\"http://x\\")", "count": -3}], ("name", "count"))
    # '\\ufeffname,count\\r\\n"\\'=HYPERLINK(""http://x"")",-3\\r\\n'   (numbers stay numbers)

Limitation: cells are text; numbers are not localised (a dot, never a comma, for decimals).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str]) -> str:
    """Rows as CSV text starting with a BOM (Excel then reads it as UTF-8), every cell through
    ``spreadsheet_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(c) for c in columns])
    for row in rows:
        writer.writerow([spreadsheet_cell(row.get(c)) for c in columns])
    return "\ufeff" + buffer.getvalue()


def spreadsheet_cell(value: Any) -> str:
    """One cell: numbers as they are, lists and objects as JSON, text that a spreadsheet would
    run as a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = (
        json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else str(value)
    )
    return "'" + text if text.startswith(FORMULA_STARTS) else text
