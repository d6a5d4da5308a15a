"""Statistics aggregates (table ``stats``), kept up to date from the tables' streams.

One counter per (metric, department, day, dimension): ``count`` and ``total`` (e.g. seconds), only
ever changed with ``ADD``. A dashboard reads one Query per metric and department:

| question | key |
| --- | --- |
| a metric of a department over a period | ``StatCounter`` (``series`` = ``<metric>#<department>``, ``key`` between ``<from>`` and ``<to>~``) |
| has this stream record been counted? | ``StatCounter`` (``marker#<eventID>``, ``-``), expires after a few days |

``department`` ``*`` is the whole municipality. ``key`` is ``<day>#<dimension>``, e.g.
``2026-11-23#service=passport``; ``dimension`` ``all`` is the department's total.
"""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


class StatCounter(Model):
    Meta = meta("stats")

    series = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    count = NumberAttribute(default=0)
    total = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)  # markers only
