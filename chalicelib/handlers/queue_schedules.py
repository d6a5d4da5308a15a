"""Live queue, scheduled: the mobiles of past days' tickets erased, every 15 minutes (a run that did
not fire is made up by the next: ``services/live_queue/erasure.py``)."""

from chalice import Blueprint, Rate

from chalicelib.services import live_queue

bp = Blueprint(__name__)


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="queue_erase_mobiles")
def queue_erase_mobiles(event):
    return live_queue.erase_day_mobiles()
