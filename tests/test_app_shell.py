"""The installable portal over HTTP: each business's manifest, icons, service worker and offline page.

What a browser does with them (installing, the worker controlling the pages, the offline page while the gateway
is stopped, nothing of a client's kept after sign-out) is in tests/test_browser_app_shell.py.
"""
import io
import json

import pytest
from PIL import Image

from portico_testing import images
from tests.portal_helpers import CLIENT_PASSWORD, change_general_settings, registered_client, set_logo


@pytest.fixture
def business(system):
    return system.new_tenant(display_name="Greenway Lawn and Garden Care")[0]


def portal(tenant, path=""):
    return f"/p/{tenant['slug']}/{path}"


def manifest_of(system, tenant):
    response = system.http.get(portal(tenant, "manifest.webmanifest"))
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    return json.loads(response.get_data())


def picture(response):
    assert response.status_code == 200 and response.mimetype == "image/png"
    return Image.open(io.BytesIO(response.get_data()))


def test_each_business_has_a_manifest_of_its_own_scoped_to_its_portal(system, business):
    other, _ = system.new_tenant(display_name="Bay Pest")

    found = manifest_of(system, business)

    home = portal(business)
    assert (found["name"], found["short_name"]) == ("Greenway Lawn and Garden Care", "Greenway La…")
    assert found["start_url"] == found["scope"] == found["id"] == home
    assert found["display"] == "standalone" and found["theme_color"].startswith("#")
    assert {(icon["sizes"], icon["purpose"]) for icon in found["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    assert all(icon["src"].startswith(home) for icon in found["icons"])
    assert manifest_of(system, other)["name"] == "Bay Pest" and manifest_of(system, other)["scope"] == portal(other)
    page = system.http.get(portal(business, "sign-in")).get_data(as_text=True)
    assert f'<link rel="manifest" href="{home}manifest.webmanifest">' in page
    assert f'data-service-worker="{home}sw.js" data-worker-scope="{home}"' in page


def test_icons_are_the_initial_without_a_logo_and_the_logo_fitted_inside_with_one(system, business):
    for size in (180, 192, 512):
        drawn = picture(system.http.get(portal(business, f"icons/any-{size}.png")))
        assert drawn.size == (size, size)
        assert drawn.getpixel((2, 2)) == (1, 114, 173)  # the portal's colour, behind the initial

    set_logo(system, business, images.image("PNG", size=(40, 20)))  # a wide logo, green
    response = system.http.get(portal(business, "icons/maskable-512.png"))
    drawn = picture(response)

    assert drawn.size == (512, 512)
    assert drawn.getpixel((256, 256)) == images.GREEN  # the logo in the middle
    assert drawn.getpixel((256, 150)) == (255, 255, 255)  # not stretched to the square
    assert drawn.getpixel((60, 256)) == (255, 255, 255)  # and within the maskable safe zone
    again = system.http.get(portal(business, "icons/maskable-512.png"),
                            headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["icons/any-64.png", "icons/round-192.png", "icons/any-big.png"])
def test_an_icon_no_manifest_names_is_not_found(system, business, path):
    assert system.http.get(portal(business, path)).status_code == 404


def test_the_worker_keeps_the_shell_and_the_offline_page_and_no_page(system, business):
    response = system.http.get(portal(business, "sw.js"))

    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"  # a new release's worker is found at once
    script = response.get_data(as_text=True)
    assert f'const OFFLINE_PAGE = "{portal(business, "offline")}";' in script
    assert '"/static/portal.css"' in script and '"/static/portico.js"' in script
    shell = json.loads(script.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
    assert all(path.startswith(("/static/", portal(business, "icons/"))) for path in shell)
    assert system.http.get(portal(system.new_tenant()[0], "sw.js")).get_data(as_text=True) != script


def test_the_worker_changes_when_what_the_offline_page_shows_changes(system, business):
    before = system.http.get(portal(business, "sw.js")).get_data(as_text=True)
    set_logo(system, business, images.image("PNG"))

    after = system.http.get(portal(business, "sw.js")).get_data(as_text=True)

    assert after != before and f'"{portal(business, "logo")}"' in after


def test_the_offline_page_shows_no_client_data_even_to_a_signed_in_browser(system, business):
    client, _ = registered_client(system, business, name="Quinn Private")
    browser = system.app.test_client()
    signed_in = browser.post(portal(business, "sign-in"), data={"login": client["email"],
                                                                "password": CLIENT_PASSWORD})
    assert signed_in.status_code == 303

    response = browser.get(portal(business, "offline"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "You are offline" in page
    assert "Greenway Lawn and Garden Care" in page
    assert "Quinn Private" not in page and client["email"] not in page and "Sign out" not in page
    assert "Quinn Private" in browser.get(portal(business)).get_data(as_text=True)  # the pages do show it


def test_the_brand_colour_colours_the_pages_manifest_icons_and_worker_and_a_welcome_greets_on_sign_in(
        system, business):
    change_general_settings(system, business, brand_colour="#1b5e20", welcome_message="Hello <b>neighbour</b>!")

    page = system.http.get(portal(business, "sign-in")).get_data(as_text=True)

    stylesheet = portal(business, "brand-1b5e20.css")
    assert f'<link rel="stylesheet" href="{stylesheet}">' in page
    assert '<meta name="theme-color" content="#1b5e20">' in page
    assert '<p class="welcome">Hello &lt;b&gt;neighbour&lt;/b&gt;!</p>' in page
    css = system.http.get(stylesheet)
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "--pico-primary-background: #1b5e20;" in css.get_data(as_text=True)
    assert system.http.get(portal(business, "brand-0172ad.css")).status_code == 404  # not this business's colour
    assert manifest_of(system, business)["theme_color"] == "#1b5e20"
    assert picture(system.http.get(portal(business, "icons/any-192.png"))).getpixel((2, 2)) == (27, 94, 32)
    assert f'"{stylesheet}"' in system.http.get(portal(business, "sw.js")).get_data(as_text=True)


def test_without_a_brand_colour_the_pages_link_no_stylesheet_of_the_business(system, business):
    page = system.http.get(portal(business, "sign-in")).get_data(as_text=True)
    assert "brand-" not in page and 'class="welcome"' not in page
    assert manifest_of(system, business)["theme_color"] == "#0172ad"
