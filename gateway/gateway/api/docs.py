"""The OpenAPI document, and a page that reads it and lets a reader try each call."""
from flask import Blueprint, current_app, jsonify, render_template

from gateway.api.openapi import document
from gateway.features.settings import descriptions

blueprint = Blueprint("docs", __name__)


def current_document():
    """Return the document, with each settings tab's JSON Schema as its owner describes it now."""
    return document(current_app.extensions["api"], descriptions())


@blueprint.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(current_document())


@blueprint.get("/api/docs")
def api_docs():
    return render_template("api_docs.html", spec=current_document())
