"""The translation table of the static sites (static_site/shared/i18n/<feature>.js).

Node imports every feature file as the browser would (so a syntax error fails here too) and
prints its keys; the checks are in Python. Node is required: without it these tests fail, naming
it (they used to skip, and a machine without node checked nothing)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

SHARED = ROOT / "static_site" / "shared"
FEATURE_DIR = SHARED / "i18n"

DUMP = """
const files = process.argv.slice(1);
const out = {};
for (const file of files) {
  const mod = await import(file);
  const table = mod.default || {};
  out[file] = {};
  for (const [lang, strings] of Object.entries(table)) out[file][lang] = strings;
}
console.log(JSON.stringify(out));
"""


def _feature_files():
    return sorted(FEATURE_DIR.glob("*.js"))


NO_NODE = "node is not installed: it is required (README, `make setup`) to check the translations"


def _node() -> str:
    """Node's path. It is a requirement of the project (README: make setup), not an option:
    without it the translation table would not be checked at all, so this fails, saying so."""
    node = shutil.which("node")
    assert node, NO_NODE
    return node


def test_without_node_the_translation_tests_fail_and_say_why(monkeypatch):
    # GIVEN a machine without node; WHEN the tests look for it; THEN they fail, naming it
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(AssertionError, match="node is not installed"):
        _node()


@pytest.fixture(scope="module")
def tables() -> dict[str, dict[str, dict[str, str]]]:
    node = _node()
    files = [p.as_uri() for p in _feature_files()]
    out = subprocess.run(
        [node, "--input-type=module", "-e", DUMP, *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    raw = json.loads(out.stdout)
    return {uri.rsplit("/", 1)[-1][:-3]: value for uri, value in raw.items()}


def test_every_feature_file_exports_greek_and_english(tables):
    # GIVEN every per-feature string file WHEN it is imported THEN it exports {el, en} objects
    assert {"common", "auth", "appointments", "requests", "queue", "visits", "backoffice"} <= set(tables)
    for feature, table in tables.items():
        assert set(table) == {"el", "en"}, f"{feature}.js must export exactly {{el, en}}"
        for lang in ("el", "en"):
            assert isinstance(table[lang], dict), f"{feature}.js {lang} is not an object"


def test_every_greek_key_has_english_and_back(tables):
    # GIVEN the Greek and English strings of each feature THEN both hold the same keys
    for feature, table in tables.items():
        only_el = sorted(set(table["el"]) - set(table["en"]))
        only_en = sorted(set(table["en"]) - set(table["el"]))
        assert not only_el, f"{feature}.js: keys without English: {only_el}"
        assert not only_en, f"{feature}.js: keys without Greek: {only_en}"


def test_strings_are_non_empty_and_placeholders_agree(tables):
    # GIVEN a key in both languages THEN both are non-empty text with the same {placeholders}
    for feature, table in tables.items():
        for key, greek in table["el"].items():
            english = table["en"][key]
            assert isinstance(greek, str) and greek.strip(), f"{feature}.js el {key} is empty"
            assert isinstance(english, str) and english.strip(), f"{feature}.js en {key} is empty"
            assert set(re.findall(r"\{(\w+)\}", greek)) == set(re.findall(r"\{(\w+)\}", english)), (
                f"{feature}.js {key}: placeholders differ between el and en"
            )


def test_keys_carry_their_feature_prefix_and_are_unique(tables):
    # GIVEN all feature files THEN keys are "<feature>.<name>" (or "errors.<code>") and no key
    # is defined by two files (one would silently hide the other)
    seen: dict[str, str] = {}
    for feature, table in tables.items():
        for key in table["el"]:
            assert key.startswith((f"{feature}.", "errors.")), f"{feature}.js: {key} lacks '{feature}.'"
            assert key not in seen, f"{key} is in both {seen.get(key)}.js and {feature}.js"
            seen[key] = feature


def test_i18n_js_imports_every_feature_file():
    # GIVEN the files in shared/i18n/ THEN shared/i18n.js imports each one (else its strings are lost)
    source = (SHARED / "i18n.js").read_text(encoding="utf-8")
    imported = set(re.findall(r"""from\s+["']\./i18n/([\w-]+)\.js["']""", source))
    files = {p.stem for p in _feature_files()}
    assert files - imported == set(), f"not imported by i18n.js: {sorted(files - imported)}"


def test_keys_named_by_pages_exist(tables):
    # GIVEN every page and script of the sites THEN each key they name literally (a quoted string
    # or attribute value that is exactly "<feature>.<name>", or data-i18n-attr pairs) is defined
    defined = {k for table in tables.values() for k in table["el"]}
    features = "|".join(re.escape(f) for f in [*tables, "errors"])
    quoted = re.compile(rf"""["'`]((?:{features})\.[a-z0-9_]+)["'`]""")
    in_attr = re.compile(rf"""[\w-]+:((?:{features})\.[a-z0-9_]+)""")
    used: dict[str, str] = {}
    paths = [
        *SHARED.glob("*.js"),
        *(ROOT / "static_site").glob("site/**/*"),
        *(ROOT / "static_site").glob("admin/**/*"),
    ]
    for path in paths:
        if path.suffix not in (".js", ".html") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for key in [*quoted.findall(text), *in_attr.findall(text)]:
            used.setdefault(key, path.relative_to(ROOT).as_posix())
    missing = {k: where for k, where in used.items() if k not in defined}
    assert not missing, f"keys used but not defined (key: first file): {missing}"
