"""The installable portal: each business's web app manifest, its icons, its service worker and its offline page.

Everything here is public and per business: the manifest and the worker live under ``/p/<slug>/``, so each
business's portal installs as its own app and its worker controls only its own pages. The worker keeps the
shell (styles, scripts, icons, the offline page) and never a page with a client's data: pages are always
fetched from the network, and when the network fails the offline page is shown instead of the browser's error.
"""
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from gateway.features import app_icons, business
from gateway.files import FILE_POLICY
from shared.errors import NotFound
from shared.i18n import _, current_language

blueprint = Blueprint("app_shell", __name__)

ICON_MAX_AGE = 300  # as the logo's: a new logo reaches an installed app within minutes
BRAND_MAX_AGE = 7 * 24 * 3600  # its address changes with the colour
SHORT_NAME_LENGTH = 12  # what fits under an icon on a phone's home screen
# What every portal page loads, kept when the worker is installed; other static files are kept when first used.
SHELL_FILES = ("vendor/pico/pico.min.css", "portico.css", "portal.css", "portico.js", "favicon.svg")


@blueprint.get("/manifest.webmanifest")
def manifest():
    name = g.portal_tenant["display_name"]
    home = url_for("portal.home.home")
    body = {
        "id": home, "name": name, "short_name": short_name(name), "lang": current_language.get(), "dir": "ltr",
        "description": _("%(name)s's client portal: bills, payments, services, tickets and documents.", name=name),
        "start_url": home, "scope": home, "display": "standalone",
        "background_color": app_icons.BACKGROUND, "theme_color": app_icons.theme_colour(g.portal_tenant),
        "icons": [{"src": url_for(".icon", purpose=purpose, size=size), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": purpose}
                  for size in app_icons.MANIFEST_SIZES for purpose in app_icons.PURPOSES],
    }
    response = Response(json.dumps(body), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"  # a renamed business shows its new name at the next check
    response.headers["Content-Security-Policy"] = FILE_POLICY  # opened on its own, it runs nothing
    return response


def short_name(name):
    return name if len(name) <= SHORT_NAME_LENGTH else name[:SHORT_NAME_LENGTH - 1].rstrip() + "…"


@blueprint.get("/icons/<purpose>-<int:size>.png")
def icon(purpose, size):
    if purpose not in app_icons.PURPOSES or size not in app_icons.SIZES:
        raise NotFound(_("There is no such icon."))
    if g.portal_tenant["has_logo"]:
        logo = business.logo()
        tag, draw = logo["blob_id"], lambda: app_icons.logo_icon(business.logo_bytes(logo), size, purpose)
    else:
        name, colour = g.portal_tenant["display_name"], app_icons.theme_colour(g.portal_tenant)
        tag, draw = f"initial:{name[:1]}:{colour}", lambda: app_icons.initial_icon(name, colour, size, purpose)
    etag = hashlib.sha256(f"{tag}:{purpose}:{size}".encode()).hexdigest()[:32]
    response = Response(status=304) if request.if_none_match.contains(etag) else Response(draw(), mimetype="image/png")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}"
    response.headers["Content-Security-Policy"] = FILE_POLICY  # as the logo's
    return response


@blueprint.get("/sw.js")
def service_worker():
    tenant, home = g.portal_tenant, url_for("portal.home.home")
    shell = [url_for("static", filename=name) for name in SHELL_FILES]
    shell += [url_for(".icon", purpose="any", size=192)] + ([url_for("portal.home.logo")] if tenant["has_logo"] else [])
    shell += [brand_stylesheet_url(tenant)] if app_icons.brand_colour(tenant) else []
    # The worker's bytes change with the shell's files and with what the offline page shows, so a browser installs
    # the new worker, whose new cache replaces the old one.
    version = hashlib.sha256(f"{static_digest()}:{tenant['display_name']}:{tenant['has_logo']}:"
                             f"{app_icons.brand_colour(tenant)}".encode())
    script = render_template("portal/service_worker.js", cache_prefix=f"portico:{home}",
                             cache=f"portico:{home}:{version.hexdigest()[:16]}", offline=url_for(".offline"),
                             shell=shell, static=url_for("static", filename=""))
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@lru_cache(maxsize=1)
def static_digest():
    """A digest of every static file: a release that changes one changes the worker."""
    digest = hashlib.sha256()
    root = Path(current_app.static_folder)
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@blueprint.get("/offline")
def offline():
    """Shown by the worker when a page cannot be fetched: the business's name and what to do, no client data."""
    response = Response(render_template("portal/offline.html"), status=200)
    response.headers["Cache-Control"] = "no-cache"
    return response


def brand_stylesheet_url(business):
    """The address of the business's colours; it names the colour, so a new one is a new address."""
    return url_for("portal.app_shell.brand_stylesheet", colour=app_icons.brand_colour(business)[1:])


@blueprint.get("/brand-<colour>.css")
def brand_stylesheet(colour):
    """The portal in the business's colour: buttons and links on light pages, buttons on dark ones (a colour dark
    enough for white text on it is too dark for links on a dark page, which keep the portal's own)."""
    if app_icons.brand_colour(g.portal_tenant) != f"#{colour}":
        raise NotFound(_("This business has no such colour."))
    response = Response(render_template("portal/brand.css", colour=f"#{colour}"), mimetype="text/css")
    response.headers["Cache-Control"] = f"public, max-age={BRAND_MAX_AGE}"
    return response
