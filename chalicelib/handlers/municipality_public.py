"""The municipality's settings as its sites show them (public): its name, contacts, and where the
citizens' maps open and how far they pan."""

from chalice import Blueprint

from chalicelib.openapi import json_response, op
from chalicelib.schemas.catalogue import MUNICIPALITY
from chalicelib.services.platform import municipality

bp = Blueprint(__name__)


@bp.route("/api/municipality", methods=["GET"])
def municipality_settings():
    return municipality.public_settings()


OPENAPI = {
    "/api/municipality": {
        "get": op(
            "The municipality's name, contacts and map (centre, zoom, bounds); defaults until an "
            "administrator saves them (configured false)",
            "catalogue",
            responses={"200": json_response(MUNICIPALITY)},
        )
    }
}
