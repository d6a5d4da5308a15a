"""``ddb.rewrite``: an item replaced whole on a condition naming the state read; a write that came
first is read again and the rewrite made from it; an item gone, or no longer one to rewrite, is left."""

from __future__ import annotations

from chalicelib import ddb
from chalicelib.models.citizens import Citizen


def _rename(citizen: Citizen) -> Citizen:
    return Citizen(citizen.taxid, first_name=citizen.first_name, last_name="ΝΕΟ", language=citizen.language)


def _as_read(c: Citizen):
    return Citizen.language == c.language


def test_a_write_that_came_first_is_read_again_and_kept(aws):
    # GIVEN a citizen read, then changed by someone else (language en)
    Citizen("100000001", first_name="Α", last_name="ΠΑΛΙΟ", language="el").save()
    read = Citizen.get("100000001")
    Citizen.get("100000001").update(actions=[Citizen.language.set("en")])
    # WHEN it is rewritten on the condition of the state read
    done = ddb.rewrite(read, _rename, condition=_as_read, belongs=lambda c: True)
    # THEN the rewrite was made from the state as it is now: both changes stand
    stored = Citizen.get("100000001")
    assert done is True and (stored.last_name, stored.language) == ("ΝΕΟ", "en")


def test_an_item_gone_or_no_longer_concerned_is_left_alone(aws):
    # GIVEN an item read and then deleted, and one read and then changed out of the rewrite's concern
    Citizen("100000002", first_name="Β", last_name="ΠΑΛΙΟ", language="el").save()
    Citizen("100000003", first_name="Γ", last_name="ΠΑΛΙΟ", language="el").save()
    gone, moved = Citizen.get("100000002"), Citizen.get("100000003")
    Citizen("100000002").delete()
    Citizen.get("100000003").update(actions=[Citizen.language.set("en")])
    # WHEN both are rewritten; THEN neither is, and nothing is recreated
    assert ddb.rewrite(gone, _rename, condition=_as_read, belongs=lambda c: True) is False
    assert ddb.rewrite(moved, _rename, condition=_as_read, belongs=lambda c: c.language == "el") is False
    assert Citizen.count("100000002") == 0 and Citizen.get("100000003").last_name == "ΠΑΛΙΟ"
