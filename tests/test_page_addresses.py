"""The links templates build are kept (gateway/web/addresses.py): each business, page and value still gets its own."""
import pytest
from flask import g, render_template_string

from gateway.app import create_app
from gateway.web.addresses import url_for


@pytest.fixture
def app():
    app = create_app({"TESTING": True, "SERVER_NAME": "portal.example"})
    yield app
    app.extensions["rpc"].close()


def links(app, slug, template):
    with app.test_request_context(f"/p/{slug}/"):
        g.portal_slug = slug
        return render_template_string(template)


def test_each_business_gets_its_own_links_however_often_they_are_built(app):
    page = "{{ url_for('portal.billing.billing_tab') }} {{ url_for('portal.tickets.ticket', ticket_id=5) }}"
    assert links(app, "oak-lawns", page) == "/p/oak-lawns/billing /p/oak-lawns/tickets/5"
    assert links(app, "elm-pools", page) == "/p/elm-pools/billing /p/elm-pools/tickets/5"
    assert links(app, "oak-lawns", page) == "/p/oak-lawns/billing /p/oak-lawns/tickets/5"
    assert links(app, "oak-lawns", "{{ url_for('portal.tickets.ticket', ticket_id=6) }}") == \
        "/p/oak-lawns/tickets/6"


def test_values_that_cannot_be_kept_and_anchors_are_built_each_time(app):
    page = ("{{ url_for('portal.billing.billing_tab', select=[3, 4], _anchor='pay-form') }} "
            "{{ url_for('portal.billing.billing_tab', select=[5]) }} {{ url_for('static', filename='portal.css') }}")
    assert links(app, "oak-lawns", page) == \
        "/p/oak-lawns/billing?select=3&amp;select=4#pay-form /p/oak-lawns/billing?select=5 /static/portal.css"


def test_a_value_equal_to_another_of_another_type_is_not_mistaken_for_it(app):
    with app.test_request_context("/p/oak-lawns/"):
        g.portal_slug = "oak-lawns"
        assert url_for("portal.billing.billing_tab", page=1) == "/p/oak-lawns/billing?page=1"
        assert url_for("portal.billing.billing_tab", page=True) == "/p/oak-lawns/billing?page=True"


def test_outside_a_request_flask_builds_the_link(app):
    with app.app_context():
        assert url_for("static", filename="portal.css") == "http://portal.example/static/portal.css"
