"""Where a sign-in may send the browser back to: a path on this site, judged as a browser will
read it. One rule for every ``next`` the server reads (the citizens' Taxisnet sign-in and its
callback); ``static_site/shared/next.js`` is the same rule for the pages (the staff sign-in), and
``tests/unit/http/test_redirects.py`` holds both to one table of cases.

A browser reading ``Location: /\\t/evil.example/`` drops the tab and goes to
``//evil.example/``, another site; it reads ``/\\evil.example`` as ``//evil.example`` too, and a
newline in a header is a broken response. So a value is refused (the answer is ``fallback``,
``/`` by default) unless, as given and after each round of percent-decoding (a path may be decoded
again further on):

- it starts with one ``/`` and not ``//`` nor ``/\\`` (no scheme, no host, no ``user@host``);
- it holds no backslash, no ``@``, no whitespace and no control character (C0, DEL, C1, the
  line and paragraph separators): nothing a browser drops, turns into ``/`` or reads as a break;
- every ``%`` starts a valid escape and the decoded bytes are UTF-8;
- it is at most ``MAX_LENGTH`` characters.

Example::

    safe_next("/appointments.html#mine")    # "/appointments.html#mine"
    safe_next("/%09/evil.example/")          # "/"
    safe_next("https://evil.example/")       # "/"

Limitation: strict on purpose: a harmless path with a space or an ``@`` falls back to ``/`` too.
"""

from __future__ import annotations

import re
import urllib.parse

MAX_LENGTH = 300
_ROUNDS = 3  # decode this many times: "%2525..." stops being a trick after that
_BAD = re.compile(r"[\\@\s\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _acceptable(value: str) -> bool:
    return value.startswith("/") and not value.startswith("//") and not _BAD.search(value) \
        and not _BAD_ESCAPE.search(value)


def safe_next(value: str | None, fallback: str = "/") -> str:
    """``value`` when it is a path on this site in every reading, else ``fallback``."""
    if not value or len(value) > MAX_LENGTH:
        return fallback
    current = value
    for _ in range(_ROUNDS):
        if not _acceptable(current):
            return fallback
        try:
            decoded = urllib.parse.unquote(current, errors="strict")
        except UnicodeDecodeError:
            return fallback
        if decoded == current:
            return value
        current = decoded
    return value if _acceptable(current) and urllib.parse.unquote(current) == current else fallback
