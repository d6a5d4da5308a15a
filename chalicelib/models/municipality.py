"""The municipality's own settings: its name, contacts and the map its sites show (table
``municipality``, one item: ``key`` = ``"settings"``, read with a GetItem and cached per container).

``map`` is ``{"centre": {"lat", "lng"}, "zoom", "bounds": {"south", "west", "north", "east"}}``:
where the citizens' maps open and how far they may be panned.
"""

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.models.base import Model, meta

SETTINGS_KEY = "settings"


class MunicipalitySettings(Model):
    Meta = meta("municipality")

    key = UnicodeAttribute(hash_key=True)  # SETTINGS_KEY
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute()
    address_el = UnicodeAttribute(default="")
    address_en = UnicodeAttribute(default="")
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    website = UnicodeAttribute(null=True)
    map = JSONAttribute(default=dict)
    version = NumberAttribute(default=1)
    updated_at = UTCDateTimeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
