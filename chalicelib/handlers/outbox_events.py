"""Messages, event sources: the outbox sender (the ``outbox`` queue), SES feedback (bounces and
complaints, the ``ses_feedback`` queue) and the schedule that puts forgotten rows back on the queue."""

from chalice import Blueprint, Rate

from chalicelib.services.platform import outbox_sender, suppression

bp = Blueprint(__name__)


@bp.lambda_function(name="outbox_sender")
def outbox_send(event, context):
    return outbox_sender.handle_sqs_batch(event, context)


@bp.lambda_function(name="ses_feedback")
def ses_feedback(event, context):
    return suppression.handle_sqs_batch(event, context)


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="outbox_requeue")
def outbox_requeue(event):
    return outbox_sender.requeue_waiting()
