"""Languages: which ones Portico speaks, the language of the work in hand, and each component's catalogue.

Every component (the gateway and each service) keeps its own gettext catalogue, ``<package>/translations/
<language>/LC_MESSAGES/messages.po``, and reads shared's under its own. Catalogues are kept in the repository as
``.po`` only and compiled in memory on first use, so no build step can leave a stale ``.mo`` behind.

The language of a call travels in its context (``LANGUAGE_KEY``): the gateway sends the language it chose for
the person, and a service's messages (errors, PDFs) come back in it. Mail and texts take their recipient's
(``speaking``). Code everywhere writes ``_("Enter %(what)s.", what=...)``: the message is looked up in the
catalogue of the component at work (``current_catalogue``), in the language at hand (``current_language``).
"""
import contextlib
import contextvars
import functools
import importlib
import io
import threading
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "es")  # English is the source language: its catalogue is the messages themselves
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}  # each in its own language, as a chooser shows them
LANGUAGE_KEY = "language"
# Portico's businesses are in the United States, and so are their Spanish-reading clients: "es" formats
# money and dates as Spanish in the US does ("$1,234.56", "5 jun 2025").
LOCALES = {"en": "en_US", "es": "es_US"}
SHARED_TRANSLATIONS = Path(__file__).parent / "translations"

current_language = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


def known_language(value, fallback=None):
    """``value`` when it names a language Portico speaks ("es", "es-MX", "ES_us" -> "es"); ``fallback`` otherwise."""
    code = str(value or "").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else fallback


def locale_of(language=None):
    """The Babel locale that formats money and dates for ``language`` (the current one when None)."""
    return LOCALES[known_language(language) or current_language.get()]


@contextlib.contextmanager
def speaking(language, catalogue=None):
    """Do the work inside in ``language`` (a recipient's), whatever the caller's was; with ``catalogue`` when the
    work has none of its own yet (a test, a background loop: a worker or a request has its component's)."""
    tokens = [(current_language, current_language.set(known_language(language, DEFAULT_LANGUAGE)))]
    if catalogue is not None:
        tokens.append((current_catalogue, current_catalogue.set(catalogue)))
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)


def N_(message):
    """Mark ``message`` for the catalogue where it is defined; it is translated where it is shown."""
    return message


class Catalogue:
    """The messages of one component in every language, with shared's underneath."""

    def __init__(self, *directories):
        # Shared's first: a later catalogue's messages replace an earlier one's (Translations.merge).
        own = [Path(item) for item in directories]
        self.directories = [SHARED_TRANSLATIONS] + [item for item in own if item != SHARED_TRANSLATIONS]
        self._loaded = {}
        self._lock = threading.Lock()

    def translations(self, language=None):
        # Asked for every message a page shows: the current language (already a known one) is the quick path.
        language = current_language.get() if language is None else known_language(language, DEFAULT_LANGUAGE)
        found = self._loaded.get(language)
        if found is None:
            with self._lock:
                found = self._loaded.setdefault(language, self._load(language))
        return found

    def _load(self, language):
        merged = None
        for directory in self.directories:
            path = directory / language / "LC_MESSAGES" / "messages.po"
            if not path.exists():
                continue
            translations = compiled(path, language)
            if merged is None:
                merged = translations
            else:
                merged.merge(translations)
        return merged or NullTranslations()

    def gettext(self, message, /, **values):
        text = self.translations().ugettext(message)
        return text % values if values else text

    def pgettext(self, context, message, /, **values):
        """``message`` as meant in ``context`` ("ticket status"), where one English word reads two ways."""
        text = self.translations().upgettext(context, message)
        return text % values if values else text

    def ngettext(self, singular, plural, count, /, **values):
        values.setdefault("num", count)
        return self.translations().ungettext(singular, plural, count) % values


def compiled(path, language):
    """The catalogue at ``path`` compiled in memory (fuzzy entries stay out, as msgfmt leaves them)."""
    with open(path, "rb") as source:
        catalog = read_po(source, locale=Locale.parse(language))
    binary = io.BytesIO()
    write_mo(binary, catalog)
    binary.seek(0)
    return Translations(binary)


@functools.lru_cache(maxsize=None)
def catalogue_of(package):
    """The catalogue of the component whose top package is ``package`` ("billing", "gateway")."""
    return Catalogue(Path(importlib.import_module(package).__file__).parent / "translations")


shared_catalogue = Catalogue()
# The catalogue of the component doing the work: each service's worker sets its own (shared.context), the gateway
# its own on each request, so shared code's messages and a service's own are looked up in one.
current_catalogue = contextvars.ContextVar("catalogue", default=shared_catalogue)


def _(message, /, **values):
    """``message`` in the current language, with ``values`` put in its ``%(name)s`` placeholders."""
    return current_catalogue.get().gettext(message, **values)


def pgettext(context, message, /, **values):
    """``message`` as meant in ``context``, in the current language."""
    return current_catalogue.get().pgettext(context, message, **values)


def ngettext(singular, plural, count, /, **values):
    """The form of ``singular``/``plural`` for ``count`` (``%(num)d`` in the message) in the current language."""
    return current_catalogue.get().ngettext(singular, plural, count, **values)
