"""The OpenAPI document and a page that reads it."""
from flask import Blueprint, jsonify, render_template

from gateway.openapi import build_spec
from gateway.services import SERVICES, rpc

blueprint = Blueprint("docs", __name__)


def settings_descriptions():
    """Each settings tab's JSON Schema, asked of its owner; a silent owner is left out."""
    results = rpc().call_parallel({name: (name, "describe_settings", ()) for name in SERVICES})
    tabs = {}
    for result in results.values():
        if not isinstance(result, Exception):
            tabs.update(result)
    return tabs


@blueprint.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(build_spec(settings_descriptions()))


@blueprint.get("/api/docs")
def api_docs():
    return render_template("api_docs.html", spec=build_spec(settings_descriptions()))
