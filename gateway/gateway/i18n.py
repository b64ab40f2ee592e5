"""The language of each request, and the gateway's catalogue for its pages and messages.

A page is in the language its client chose on the Account tab; else in the first of the browser's languages
Portico speaks; else in the business's default; else English. The choice is made as the request learns more
(the browser at its start, the business from the URL, the client from the session) and is sent with every
call, so the services' messages come back in it (shared.i18n). Amounts are in the business's currency, known
with the business (shared.money).
"""
import functools

from flask import g, request
from jinja2 import pass_eval_context
from markupsafe import Markup

from shared.i18n import (DEFAULT_LANGUAGE, LANGUAGE_KEY, LANGUAGE_NAMES, LANGUAGES, catalogue_of, current_catalogue,
                         current_language, known_language, locale_of)
from shared.money import DEFAULT_CURRENCY, current_currency

catalogue = catalogue_of("gateway")


def choose_language(business=None, chosen=None):
    """Settle the request's language from the client's choice, the browser, then ``business``'s default; and its
    amounts' currency, ``business``'s."""
    business = business or {}
    language = (known_language(chosen) or request.accept_languages.best_match(LANGUAGES)
                or known_language(business.get("default_language"), DEFAULT_LANGUAGE))
    current_currency.set(business.get("currency") or DEFAULT_CURRENCY)
    current_language.set(language)
    current_catalogue.set(catalogue)
    g.rpc_context[LANGUAGE_KEY] = language
    return language


@functools.lru_cache(maxsize=8192)
def _markup(language, message):
    """A template's message, translated, as markup: a page shows hundreds, mostly the same from page to page."""
    return Markup(catalogue.translations(language).ugettext(message))


@pass_eval_context
def template_gettext(eval_ctx, message, /, **values):
    """Jinja's newstyle ``gettext`` (values escaped and put in; ``%%`` is a percent sign), at a third of its cost:
    ~2 us a message instead of ~7."""
    if eval_ctx.autoescape:
        text = _markup(current_language.get(), message)
    else:
        text = catalogue.translations().ugettext(message)
    return text % values if values or "%" in text else text


@pass_eval_context
def template_ngettext(eval_ctx, singular, plural, count, /, **values):
    values.setdefault("num", count)
    text = catalogue.translations().ungettext(singular, plural, count)
    return (Markup(text) if eval_ctx.autoescape else text) % values


@pass_eval_context
def template_pgettext(eval_ctx, context, message, /, **values):
    text = catalogue.translations().upgettext(context, message)
    return (Markup(text) if eval_ctx.autoescape else text) % values


def install(app):
    """Give the templates ``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``{% trans %}`` in the request's
    language."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # a message's line breaks and indents are not part of it
    # Newstyle: Jinja compiles {% trans %} to calls that fill in (and escape) the values; the callables are ours.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext,
                                 pgettext=template_pgettext)
    app.jinja_env.globals.update(page_language=current_language.get, page_currency=current_currency.get,
                                 language_names=LANGUAGE_NAMES,
                                 page_locale=lambda: locale_of().replace("_", "-"))
