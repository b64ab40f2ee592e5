"""Staff API: a client account's audit history, as JSON pages or one CSV file."""
from flask import Response, stream_with_context

from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import history
from gateway.schemas.staff.history import HistoryArgsSchema, HistoryFilterArgsSchema, HistoryPageSchema

blueprint = ApiBlueprint("history", __name__, tag="staff history", caller=STAFF)
CSV_ANSWER = {200: {"description": "A page of the history (JSON), or with format=csv the whole history as CSV",
                    "content": {"text/csv": {"schema": {"type": "string"}}}}}
CSV_FILE = {200: {"description": "The history as a CSV file (text/csv), newest first",
                  "content": {"text/csv": {"schema": {"type": "string"}}}}}


def filters_of(args):
    return {"actions": args["action"], "actor_kind": args["actor_kind"],
            "since": args["since"] and args["since"].isoformat(), "until": args["until"] and args["until"].isoformat(),
            "cursor": args.get("cursor"), "limit": args.get("limit", history.PAGE)}


def csv_response(client_id, filters):
    """The history as a CSV download, streamed page by page; a cell that looks like a formula is quoted."""
    lines = history.csv_lines(client_id, filters)
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="client-{client_id}-history.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/clients/<id:client_id>/history")
@blueprint.operation("A client account's history, newest first: who did what, when, from where, what changed "
                     "(format=csv: all of it as a CSV file)", query=HistoryArgsSchema, response=HistoryPageSchema,
                     responses=CSV_ANSWER)
def get_history(args, client_id):
    filters = filters_of(args)
    if args["format"] == "csv":
        return csv_response(client_id, filters)
    answer = history.history(client_id, filters)
    return {key: answer[key] for key in ("items", "next_cursor", "time_zone")}


@blueprint.get("/clients/<id:client_id>/history.csv")
@blueprint.operation("A client account's whole history (as filtered) as a CSV file", query=HistoryFilterArgsSchema,
                     responses=CSV_FILE)
def get_history_csv(args, client_id):
    return csv_response(client_id, filters_of(args))
