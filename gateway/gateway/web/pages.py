"""Staff web pages rendered on the server: sign-in, sign-out and the settings tabs."""
import functools
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from gateway.api.staff import owner_of
from gateway.auth import STAFF_COOKIE, authenticate_staff, clear_staff_cookie, set_staff_cookie
from gateway.schemas import StaffSignInSchema
from gateway.services import SETTINGS_TABS, first_error, rpc
from gateway.web import settings_form
from shared.errors import InvalidInput, NotFound, RateLimited, Unauthenticated

blueprint = Blueprint("pages", __name__)

WRONG_CREDENTIALS = "The email or password is not correct."
SIGN_IN_LABELS = {"email": "Email address", "password": "Password"}
BLANK_SIGN_IN = {"email": "Enter your email address.", "password": "Enter your password."}
HOME = "/staff/settings"

# Pages load only their own stylesheets and scripts; Pico draws checkboxes and select arrows
# with data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


@blueprint.after_request
def protect_page(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    # Staff pages hold a CSRF token and private settings: no cache may keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def local_page(target):
    """Return ``target`` when it is one of this site's staff pages, else the settings page."""
    target = target or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/") or "\\" in target:
        return HOME
    return parts.path + (f"?{parts.query}" if parts.query else "")


def redirect_to_sign_in():
    """Send the browser to the sign-in page, to come back here afterwards."""
    # After a form post, come back to the page that showed the form.
    here = request.full_path.rstrip("?") if request.method == "GET" else request.path
    had_session = STAFF_COOKIE in request.cookies
    arguments = {"next": here} if here != HOME else {}
    response = redirect(url_for("pages.sign_in", ended=1 if had_session else None, **arguments), 303)
    return clear_staff_cookie(response) if had_session else response


def staff_page(view):
    """Run ``view`` for a signed-in staff member; send anyone else to the sign-in page."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            authenticate_staff()
        except Unauthenticated:
            return redirect_to_sign_in()
        return view(*args, **kwargs)

    return wrapper


@blueprint.get("/")
def home():
    return redirect(HOME)


# --- signing in and out ---------------------------------------------------------------------

def render_sign_in(email="", field_errors=None, problem=None, status=200):
    field_errors = field_errors or {}
    summary = [("#email", problem)] if problem else []
    summary += [(f"#{name}", f"{SIGN_IN_LABELS.get(name, name)}: {text}")
                for name in SIGN_IN_LABELS for text in field_errors.get(name, [])]
    if request.args.get("ended"):
        notice = "Your session has ended. Please sign in again."
    elif request.args.get("signed_out"):
        notice = "You are signed out."
    else:
        notice = None
    page = render_template("sign_in.html", email=email, errors=field_errors, summary=summary,
                           notice=notice, next_page=local_page(request.values.get("next")))
    return page, status


def signed_in():
    if STAFF_COOKIE not in request.cookies:
        return False
    try:
        authenticate_staff()
    except Unauthenticated:
        return False
    return True


def from_another_site():
    """True when the browser says the form was posted from another origin (login CSRF)."""
    origin = request.headers.get("Origin")
    return origin not in (None, "null") and origin.rstrip("/") != request.host_url.rstrip("/")


@blueprint.route("/staff/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return redirect(local_page(request.args.get("next"))) if signed_in() else render_sign_in()
    if from_another_site():
        return render_sign_in(problem="Sign in from this site's own sign-in page.", status=403)
    email = request.form.get("email", "").strip()
    try:
        credentials = StaffSignInSchema().load({"email": email, "password": request.form.get("password", "")})
    except ValidationError as error:
        messages = {name: [BLANK_SIGN_IN[name]] if not request.form.get(name, "").strip() else texts
                    for name, texts in error.messages.items() if name in BLANK_SIGN_IN}
        return render_sign_in(email, field_errors=messages, status=400)
    try:
        session = rpc().call("accounts", "sign_in_staff", credentials, address=request.remote_addr)
    except Unauthenticated:
        return render_sign_in(email, problem=WRONG_CREDENTIALS, status=401)
    except RateLimited as error:
        return render_sign_in(email, problem=error.message, status=429)
    except InvalidInput as error:
        return render_sign_in(email, field_errors=error.fields, status=400)
    response = redirect(local_page(request.form.get("next")), 303)
    return set_staff_cookie(response, session["token"])


@blueprint.post("/staff/sign-out")
def sign_out():
    try:
        authenticate_staff()  # also checks the form's CSRF token
    except Unauthenticated:
        pass  # already signed out: just forget the cookie
    else:
        rpc().call("accounts", "sign_out_staff", g.session_token)
    response = redirect(url_for("pages.sign_in", signed_out=1), 303)
    return clear_staff_cookie(response)


# --- settings -----------------------------------------------------------------------------

# Alerts map each client action to the staff to alert; tickets name one assignee.
TABS_NAMING_STAFF = {"alerts", "tickets"}


def staff_settings(tab, description):
    """Name the settings of ``tab`` that hold staff user ids, so the form offers staff by name."""
    if tab == "alerts":
        return {name for name, prop in description["properties"].items() if prop.get("type") == "array"}
    if tab == "tickets":
        return {"ticket_assignee_id"}
    return set()


def load_form(tab):
    """Ask the services, in parallel, for the tab's inputs and its stored values."""
    owner = owner_of(tab)
    calls = {"descriptions": (owner, "describe_settings", ()),
             "values": (owner, "get_settings", (tab,))}
    if tab in TABS_NAMING_STAFF:
        calls["staff"] = ("accounts", "list_staff_users", ())
    results = rpc().call_parallel(calls)
    staff = results.pop("staff", None)
    first_error(results)
    description = results["descriptions"].get(tab)
    if description is None:
        raise NotFound(f"There is no settings tab named {tab!r}.")
    # Without the staff list, staff ids can still be typed as numbers.
    staff_options = None if staff is None or isinstance(staff, Exception) else [
        (str(user["id"]), f"{user['name']} ({user['email']})") for user in staff]
    profile = settings_form.profile_fields() if tab == "general" else []
    # Should accounts describe the profile too, its hand-made inputs above are kept.
    profile_names = {item.name for item in profile}
    fields = [item for item in settings_form.settings_fields(description, staff_options,
                                                             staff_settings(tab, description))
              if item.name not in profile_names]
    return profile, fields, results["values"]


def render_settings(tab, profile, fields, summary=(), saved=False, status=200, has_logo=False,
                    logo_errors=()):
    tabs = [(name, name.capitalize()) for name in SETTINGS_TABS]
    page = render_template("settings.html", tab=tab, tab_title=tab.capitalize(), tabs=tabs,
                           profile=profile, fields=fields, summary=list(summary), saved=saved,
                           has_logo=has_logo, logo_errors=list(logo_errors))
    return page, status


@blueprint.get("/staff/settings", defaults={"tab": "general"})
@blueprint.get("/staff/settings/<tab>")
@staff_page
def settings(tab):
    profile, fields, values = load_form(tab)
    settings_form.show_stored(profile + fields, values)
    return render_settings(tab, profile, fields, saved=request.args.get("saved") == "1",
                           has_logo=values.get("has_logo", False))


@blueprint.post("/staff/settings/<tab>")
@staff_page
def save_settings(tab):
    profile, fields, stored = load_form(tab)
    every_field = profile + fields
    submitted, errors = settings_form.parse(every_field, request.form)
    # Only what differs is sent, so saving one setting does not rewrite (or announce) the rest.
    changes = {name: value for name, value in submitted.items() if stored.get(name) != value}
    if not errors and changes:
        try:
            rpc().call(owner_of(tab), "update_settings", tab, changes)
        except InvalidInput as error:
            errors = error.fields or {"_schema": [error.message]}
    if not errors:
        return redirect(url_for("pages.settings", tab=tab, saved=1), 303)
    settings_form.show_submitted(every_field, request.form)
    summary = settings_form.attach_errors(every_field, errors)
    return render_settings(tab, profile, fields, summary=summary, status=400,
                           has_logo=stored.get("has_logo", False))
