"""Staff API: sessions and the settings tabs."""
from flask import Blueprint, g, jsonify, request

from gateway.auth import staff_required
from gateway.openapi import documented
from gateway.requests import json_object, load_json
from gateway.schemas import StaffSessionSchema, StaffSignInSchema, StaffUserSchema
from gateway.services import SETTINGS_TABS, first_error, rpc
from shared.errors import NotFound

blueprint = Blueprint("staff_api", __name__, url_prefix="/api/v1/staff")


def owner_of(tab):
    try:
        return SETTINGS_TABS[tab]
    except KeyError:
        raise NotFound(f"There is no settings tab named {tab!r}.") from None


@blueprint.post("/sessions")
@documented("Sign in with email and password; returns a bearer token", body=StaffSignInSchema,
            response=StaffSessionSchema, status=201, auth=False)
def create_session():
    credentials = load_json(StaffSignInSchema)
    session = rpc().call("accounts", "sign_in_staff", credentials, address=request.remote_addr)
    return jsonify(StaffSessionSchema().dump(session)), 201


@blueprint.delete("/sessions/current")
@staff_required
@documented("Sign out: the token (and any cookie using it) stops working", status=204)
def delete_session():
    rpc().call("accounts", "sign_out_staff", g.session_token)
    return "", 204


@blueprint.get("/me")
@staff_required
@documented("The signed-in staff member and their business", response=StaffSessionSchema)
def me():
    return jsonify({"user": StaffUserSchema().dump(g.staff), "tenant": g.tenant})


@blueprint.get("/settings")
@staff_required
@documented("Every settings tab, each from the service that owns it")
def all_settings():
    results = rpc().call_parallel({tab: (service, "get_settings", (tab,))
                                   for tab, service in SETTINGS_TABS.items()})
    return jsonify(first_error(results))


@blueprint.get("/settings/<tab>")
@staff_required
@documented("One settings tab")
def one_settings_tab(tab):
    return jsonify(rpc().call(owner_of(tab), "get_settings", tab))


@blueprint.patch("/settings/<tab>")
@staff_required
@documented("Change some settings of one tab; invalid values change nothing", body_ref="settings")
def update_settings_tab(tab):
    service = owner_of(tab)
    return jsonify(rpc().call(service, "update_settings", tab, json_object()))
