"""Visit log, event sources: the exposure sender (fan-out queue) and closing time."""

from chalice import Blueprint, Rate

from chalicelib.services import visits

bp = Blueprint(__name__)


@bp.lambda_function(name="exposure_sender")
def exposure_sender(event, context):
    return visits.handle_sqs_batch(event, context)


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="visits_close_open")
def visits_close_open(event):
    return {"closed": visits.close_due()}
