"""GSM 03.38: Greek written so that an SMS is one part of 160 characters, and fitted to it."""

from __future__ import annotations

import pytest

from chalicelib.services.platform import gsm7


def test_greek_becomes_unaccented_capitals_in_the_gsm_alphabet():
    # GIVEN Greek as people write it: lower case, accents, dialytika, final sigma
    text = "Ραντεβού: Τρίτη, Ελληνικό Δημόσιο — «Πιστοποιητικό» ΐ ϋ ψωμί ξύλο θέα φως γη"
    # WHEN written in GSM 03.38
    out = gsm7.to_gsm(text)
    # THEN every Greek letter is a capital that GSM 03.38 has, its Latin look-alike otherwise
    assert out == 'PANTEBOY: TPITH, EΛΛHNIKO ΔHMOΣIO - "ΠIΣTOΠOIHTIKO" I Y ΨΩMI ΞYΛO ΘEA ΦΩΣ ΓH'
    assert gsm7.is_gsm(out) and gsm7.parts(out) == 1


def test_latin_text_and_links_stay_as_they_are():
    # GIVEN English text with a link whose path is case-sensitive and a euro sign
    text = "Your pass: https://dimotis.example.gr/pass/K3F0ab_-Zz costs €0 [free]"
    # THEN nothing changes; the euro sign and brackets take two septets each
    assert gsm7.to_gsm(text) == text
    assert gsm7.septets(text) == len(text) + 3


def test_what_gsm_lacks_becomes_its_plain_form_or_a_question_mark():
    assert gsm7.to_gsm("“a” ‘b’ c…d ç ő ﬁ 😀 ·") == "\"a\" 'b' c...d c o fi ? ."


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("A" * 160, 1),
        ("A" * 161, 2),
        ("A" * 306, 2),
        ("A" * 307, 3),
        ("α" * 70, 1),  # UCS-2: 70, then 67 a part
        ("α" * 71, 2),
        ("α" * 135, 3),
        ("{" * 80, 1),  # two septets each
        ("{" * 81, 2),
        ("", 1),
    ],
)
def test_parts_follow_gsm_7_and_ucs_2_segmentation(text, parts):
    assert gsm7.parts(text) == parts


def test_fit_shortens_the_named_fields_in_order_and_keeps_the_rest_whole():
    # GIVEN a template with a long name, a long reason and a link
    url = "https://dimotis.example.gr/ticket/AbC_123-xyz"
    values = {"name": "Υπηρεσία " * 30, "reason": " Αιτία: " + "πολύ " * 60, "url": url}
    # WHEN fitted, the reason shortened first
    text = gsm7.fit("{name}{reason} {url}", values, shrink=("reason", "name"))
    # THEN it is one part of exactly 160 septets, the link whole at its end, the cut fields ending with "."
    assert gsm7.septets(text) == 160 and text.endswith(" " + url)
    assert "AITIA" not in text and text.startswith("YΠHPEΣIA") and text[: -len(url) - 1].endswith(".")


def test_fit_leaves_a_text_that_fits_as_it_is():
    assert gsm7.fit("{a}: {b}", {"a": "Γεια", "b": "σας"}, shrink=("a",)) == "ΓEIA: ΣAΣ"
