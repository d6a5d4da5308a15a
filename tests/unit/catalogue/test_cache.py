"""The per-container cache the catalogue reads through (``platform/cache.py``): a value lives for
its lifetime, read when it is put; an edit forgets its own key or everything."""

from __future__ import annotations

from chalicelib.services.platform import cache


def test_a_value_lives_for_the_lifetime_read_when_it_was_put(monkeypatch):
    # GIVEN a clock and a lifetime of 30 s
    now = [1000.0]
    lifetime = [30]
    monkeypatch.setattr(cache.time, "monotonic", lambda: now[0])
    kept = cache.TtlCache(lambda: lifetime[0])
    kept.put("kep-dimarxeio", {"name_el": "ΚΕΠ"})
    # WHEN 29 s pass THEN it is there; WHEN 31 s have passed THEN it is gone
    now[0] += 29
    assert kept.get("kep-dimarxeio") == {"name_el": "ΚΕΠ"}
    now[0] += 2
    assert kept.get("kep-dimarxeio") is None
    # AND a lifetime changed later applies to the next put (tests set it on the owning module)
    lifetime[0] = 5
    kept.put("kep-dimarxeio", "again")
    now[0] += 6
    assert kept.get("kep-dimarxeio") is None


def test_forgetting_one_key_or_all():
    kept = cache.TtlCache(lambda: 30)
    kept.put("a", 1)
    kept.put("b", 2)
    # WHEN one is forgotten THEN only it is gone; WHEN all are THEN nothing is left
    kept.forget("a")
    assert (kept.get("a"), kept.get("b")) == (None, 2)
    kept.forget()
    assert kept.get("b") is None
