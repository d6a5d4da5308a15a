"""SMS text in the GSM 03.38 alphabet, so that a message is one part of 160 characters.

A text with a single character outside GSM 03.38 goes out in UCS-2: 70 characters a part, and a
long one in parts of 67. Greek written as people type it (lower case, accents) is such a text.
GSM 03.38 has the Greek capitals that do not look like Latin ones (Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ); the
others are written with their Latin look-alikes (Α->A, Β->B, Ε->E, Ζ->Z, Η->H, Ι->I, Κ->K, Μ->M,
Ν->N, Ο->O, Ρ->P, Τ->T, Υ->Y, Χ->X), which is how Greek SMS are commonly sent.

- ``to_gsm(text)``: Greek letters as unaccented capitals in GSM 03.38, typographic quotes,
  dashes and spaces as their plain forms, accented Latin letters without the accent where GSM
  lacks them, anything else ``?``. Latin letters keep their case (links stay as they are).
- ``septets(text)``: the length in GSM-7 septets (``^ { } [ ] ~ | \\ €`` take two), or ``None``
  when the text is not GSM 03.38.
- ``parts(text)``: how many SMS parts the text costs (GSM-7: 160, then 153 a part; UCS-2: 70,
  then 67).
- ``fit(template, values, shrink=...)``: the template filled with ``values`` in GSM 03.38, the
  ``shrink`` fields cut (in that order, ending with ``.``) until it fits one part; the other fields
  (codes, dates, links) are kept whole.

Example::

    to_gsm("Το ραντεβού σας κλείστηκε")                 # "TO PANTEBOY ΣAΣ KΛEIΣTHKE"
    fit("{name}: {url}", {"name": long_name, "url": url}, shrink=("name",))

Limitation: ``fit`` cannot shorten what is not in ``shrink``; a template whose fixed text and
whole fields alone pass 160 septets (an unusually long site address) goes out in two parts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

SINGLE = 160  # septets in a one-part GSM-7 SMS
MULTI = 153  # septets per part of a concatenated GSM-7 SMS
UCS2_SINGLE = 70
UCS2_MULTI = 67

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "^{}\\[~]|€\f"  # each sent as ESC + a character: two septets
_BASIC = frozenset(BASIC)
_EXTENSION = frozenset(EXTENSION)

# Greek capitals (after accents are taken off) -> what GSM 03.38 has
GREEK = {
    "Α": "A", "Β": "B", "Γ": "Γ", "Δ": "Δ", "Ε": "E", "Ζ": "Z", "Η": "H", "Θ": "Θ",
    "Ι": "I", "Κ": "K", "Λ": "Λ", "Μ": "M", "Ν": "N", "Ξ": "Ξ", "Ο": "O", "Π": "Π",
    "Ρ": "P", "Σ": "Σ", "Τ": "T", "Υ": "Y", "Φ": "Φ", "Χ": "X", "Ψ": "Ψ", "Ω": "Ω",
}
PUNCTUATION = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "´": "'",
    "–": "-", "—": "-", "−": "-", "‐": "-", "…": "...", "·": ".", "\u0387": ".", "\u037e": ";",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " ", "•": "-", "°": "o", "ʼ": "'",
}


def _char(ch: str) -> str:
    if ch in _BASIC or ch in _EXTENSION:
        return ch
    if ch in PUNCTUATION:
        return PUNCTUATION[ch]
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if base == "ς":
        return "Σ"
    upper = base.upper()
    if upper in GREEK:
        return GREEK[upper]
    if base and all(c in _BASIC for c in base):
        return base
    decomposed = unicodedata.normalize("NFKD", ch)
    ascii_only = "".join(c for c in decomposed if c in _BASIC and not unicodedata.combining(c))
    return ascii_only or "?"


def to_gsm(text: str) -> str:
    """``text`` written in GSM 03.38 (see the module's docstring)."""
    return "".join(_char(ch) for ch in text)


def septets(text: str) -> int | None:
    """GSM-7 septets of ``text``; ``None`` when a character is outside GSM 03.38."""
    total = 0
    for ch in text:
        if ch in _BASIC:
            total += 1
        elif ch in _EXTENSION:
            total += 2
        else:
            return None
    return total


def is_gsm(text: str) -> bool:
    return septets(text) is not None


def parts(text: str) -> int:
    """How many SMS parts ``text`` costs as it is (GSM-7 when it can be, else UCS-2)."""
    if not text:
        return 1
    size = septets(text)
    if size is not None:
        return 1 if size <= SINGLE else -(-size // MULTI)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= UCS2_SINGLE else -(-units // UCS2_MULTI)


def _cut(value: str, drop: int) -> str:
    """``value`` shorter by at least ``drop`` septets, ending with ``.`` (``""`` if nothing is left)."""
    size = septets(value) or 0
    keep = size - drop - 1  # one septet for the "."
    if keep <= 0:
        return ""
    out, used = [], 0
    for ch in value:
        width = 2 if ch in _EXTENSION else 1
        if used + width > keep:
            break
        out.append(ch)
        used += width
    return "".join(out).rstrip(" ,.;:-") + "."


def fit(
    template: str,
    values: Mapping[str, Any],
    *,
    shrink: Sequence[str] = (),
    limit: int = SINGLE,
) -> str:
    """``template.format(**values)`` in GSM 03.38, the ``shrink`` fields cut in order until the
    text is at most ``limit`` septets (see the module's docstring)."""
    gsm = {k: to_gsm(re.sub(r"\s+", " ", str(v))) for k, v in values.items()}
    template = to_gsm(template)
    text = template.format(**gsm)
    for name in shrink:
        over = (septets(text) or 0) - limit
        if over <= 0:
            break
        gsm[name] = _cut(gsm[name], over)
        text = template.format(**gsm)
    return text
