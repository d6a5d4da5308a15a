"""Contact addresses: mobiles in E.164 form and the countries whose mobiles may get SMS, e-mail
addresses as compared, and the masks staff see.

SMS cost money and a number can be anyone's: SMS go only to mobiles of the countries in
``DIMOTIS_SMS_COUNTRIES`` (default ``GR``: ``+30 69…``). An entry is a country code of
``COUNTRY_MOBILES`` or a prefix of the E.164 number (``+3579``: Cyprus mobiles); a number matches
a country only with the length its mobiles have.

Example::

    e164("69 1234 5678")             # "+306912345678"
    sms_allowed("+306912345678")     # True; "+447700900123" False with the default setting
    mask("sms", "+306912345678")     # "+3069******78"

Limitation: the table holds a few countries' mobile ranges; any other country is allowed by a
prefix entry, checked for length only against E.164's 15 digits.
"""

from __future__ import annotations

import re

from chalicelib.settings import get_settings

# country -> pattern of its mobiles in E.164
COUNTRY_MOBILES = {
    "GR": r"\+3069\d{8}",
    "CY": r"\+3579[4-79]\d{6}",
    "IT": r"\+393\d{8,9}",
    "DE": r"\+491[5-7]\d{8,9}",
    "FR": r"\+33[67]\d{8}",
    "ES": r"\+34[67]\d{8}",
    "GB": r"\+447\d{9}",
    "BG": r"\+3598[7-9]\d{7}",
    "AL": r"\+3556[6-9]\d{7}",
}
_E164 = re.compile(r"\+[1-9]\d{6,14}")


def e164(value: str | None) -> str | None:
    """A mobile as people type it -> ``+<country><number>``; Greek numbers without a country code
    (10 digits) get ``+30``; ``None`` when nothing like a number is left."""
    if not value:
        return None
    digits = re.sub(r"[\s\-().]", "", value.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif not digits.startswith("+"):
        digits = "+30" + digits if len(digits) == 10 else "+" + digits
    return digits if _E164.fullmatch(digits) else None


def sms_allowed(number: str | None) -> bool:
    """Whether ``number`` (E.164) is a mobile of a country whose mobiles may get SMS."""
    if not number or not _E164.fullmatch(number):
        return False
    for entry in get_settings().sms_countries:
        pattern = COUNTRY_MOBILES.get(entry)
        if pattern and re.fullmatch(pattern, number):
            return True
        if entry.startswith("+") and number.startswith(entry):
            return True
    return False


def normal_email(value: str | None) -> str | None:
    return (value or "").strip().lower() or None


def normal(channel: str, value: str | None) -> str | None:
    """The address as stored and compared: a lower-case e-mail, an E.164 mobile."""
    return e164(value) if channel == "sms" else normal_email(value)


def mask(channel: str, value: str | None) -> str:
    """What staff see of an address: ``m***@example.gr``, ``+3069******78``."""
    if not value:
        return ""
    if channel == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return value[:5] + "*" * max(0, len(value) - 7) + value[-2:]


_REDACT = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+|\+?\d[\d \-]{6,}\d")


def redact(text: str) -> str:
    """``text`` (a provider's error) with e-mail addresses and phone numbers taken out."""
    return _REDACT.sub("[…]", text)
