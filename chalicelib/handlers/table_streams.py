"""Event sources: the DynamoDB stream router (every table's stream is mapped to it in infra/)."""

from chalice import Blueprint

from chalicelib.services.platform import stream_router as streams

bp = Blueprint(__name__)


@bp.lambda_function(name="table_stream")
def table_stream(event, context):
    return streams.handle_batch(event, context)
