"""Keep the gettext catalogues in step with the code, and check that nothing is left in English.

    python scripts/translations.py update   # add new messages to every catalogue, drop the ones gone
    python scripts/translations.py check    # list what is untranslated; exit 1 when anything is
    python scripts/translations.py missing [PATH...]  # the untranslated messages (of PATHs) as a .po to fill in
    python scripts/translations.py merge FILE.po...   # put a filled-in .po's translations into the catalogues

A component's catalogue holds the messages of its own package: Python's ``_``/``N_``/``gettext``/``ngettext``
calls and the templates' ``{% trans %}`` blocks and ``_()`` calls. ``check`` fails on:
- a template whose text or readable attributes (aria-label, title, placeholder, alt) hold words outside
  ``{% trans %}``/``_()``;
- a catalogue missing a message, holding an empty or fuzzy one, or one whose placeholders differ.
"""
import re
import sys
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = {
    "shared": ROOT / "shared/shared",
    "gateway": ROOT / "gateway/gateway",
    "accounts": ROOT / "services/accounts/accounts",
    "billing": ROOT / "services/billing/billing",
    "tickets": ROOT / "services/tickets/tickets",
    "notifications": ROOT / "services/notifications/notifications",
}
TRANSLATED = ("es",)
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
TEMPLATE_OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "true"}
METHODS = [("**/tests/**", "ignore"), ("**/translations/**", "ignore"), ("**.py", "python"),
           ("**/templates/**.html", "jinja2.ext:babel_extract"), ("**/templates/**.txt", "jinja2.ext:babel_extract")]
# Words that are the same in every language: names, and the placeholders of an example.
SAME_EVERYWHERE = {"Portico", "Pico", "PDF", "CSV", "ICS", "OK", "SMS", "Email", "AM", "PM", "UTC", "WCAG", "AA",
                   "axe", "TOTP", "API", "OpenAPI", "x", "X", "ID", "https", "http", "www"}
READABLE_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description"}
WORD = re.compile(r"[^\W\d_]{2,}")


def template_message_catalogue(name):
    """The messages of component ``name`` as extracted from its source, as a Catalog (a POT)."""
    template = Catalog(project="Portico", charset="utf-8")
    package = COMPONENTS[name]
    options = {pattern: TEMPLATE_OPTIONS for pattern, method in METHODS if method.startswith("jinja2")}
    extracted = extract_from_dir(package, METHODS, options, KEYWORDS)
    for filename, lineno, message, comments, context in extracted:
        template.add(message, None, [(str(Path(package.name) / filename), lineno)], auto_comments=comments,
                     context=context)
    return template


def catalogue_path(name, language):
    return COMPONENTS[name] / "translations" / language / "LC_MESSAGES" / "messages.po"


def read_catalogue(path, language):
    if not path.exists():
        return Catalog(locale=Locale.parse(language), project="Portico", charset="utf-8")
    with open(path, "rb") as source:
        return read_po(source, locale=Locale.parse(language))


def update():
    for name in COMPONENTS:
        template = template_message_catalogue(name)
        for language in TRANSLATED:
            path = catalogue_path(name, language)
            catalogue = read_catalogue(path, language)
            catalogue.update(template, no_fuzzy_matching=True)
            catalogue.obsolete.clear()
            path.parent.mkdir(parents=True, exist_ok=True)
            output = BytesIO()
            write_po(output, catalogue, width=120, omit_header=False, sort_output=False)
            path.write_bytes(output.getvalue())
            print(f"{path.relative_to(ROOT)}: {len(catalogue)} messages")


def catalogue_problems(name, language):
    template = template_message_catalogue(name)
    path = catalogue_path(name, language)
    catalogue = read_catalogue(path, language)
    where = path.relative_to(ROOT)
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if found is None:
            yield f"{where}: missing {ids[0]!r} (from {message.locations[0][0]}:{message.locations[0][1]})"
        elif found.fuzzy or not all(found.string if isinstance(found.string, tuple) else (found.string,)):
            yield f"{where}: untranslated {ids[0]!r}"
    for message, errors in catalogue.check():
        for error in errors:
            yield f"{where}: {message.id!r}: {error}"


class _Text(HTMLParser):
    """The words a page shows: its text outside script and style, and its readable attributes, with their lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.found += [(self.getpos()[0], value) for key, value in attrs if key in READABLE_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.found.append((self.getpos()[0], data))


# Translated text and template code, blanked out (keeping the lines) before the rest is read as a page.
_TRANSLATED_OR_CODE = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}",
                                 re.DOTALL)


def untranslated_text(path):
    """(line, text) of each piece of ``path``'s template text that holds words outside a translation."""
    skeleton = _TRANSLATED_OR_CODE.sub(lambda found: re.sub(r"[^\n]", " ", found.group()), path.read_text())
    if path.suffix == ".txt":
        pieces = [(number, line) for number, line in enumerate(skeleton.splitlines(), 1)]
    else:
        parser = _Text()
        parser.feed(skeleton)
        parser.close()
        pieces = parser.found
    return [(line, " ".join(text.split())[:80]) for line, text in pieces
            if any(word not in SAME_EVERYWHERE for word in WORD.findall(text))]


def template_problems(name):
    package = COMPONENTS[name]
    for path in sorted((package / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            for lineno, text in untranslated_text(path):
                yield f"{path.relative_to(ROOT)}:{lineno}: untranslated text {text!r}"


def problems():
    for name in COMPONENTS:
        yield from template_problems(name)
        for language in TRANSLATED:
            yield from catalogue_problems(name, language)


def missing(paths):
    """Write to stdout, as a Spanish .po, every message still untranslated (only those used in ``paths``)."""
    wanted = [str(Path(path).resolve()) for path in paths]
    result = Catalog(locale=Locale.parse(TRANSLATED[0]), project="Portico", charset="utf-8")
    for name, package in COMPONENTS.items():
        catalogue = read_catalogue(catalogue_path(name, TRANSLATED[0]), TRANSLATED[0])
        for message in template_message_catalogue(name):
            found = catalogue.get(message.id, context=message.context)
            done = found is not None and not found.fuzzy and all(
                found.string if isinstance(found.string, tuple) else (found.string,))
            files = [str(package.parent / filename) for filename, _ in message.locations]
            if message.id and not done and (not wanted or any(f.startswith(w) for f in files for w in wanted)):
                result.add(message.id, None, message.locations, context=message.context)
    output = BytesIO()
    write_po(output, result, width=120, omit_header=True)
    sys.stdout.write(output.getvalue().decode())


def merge(paths):
    """Fill the catalogues' untranslated messages from the .po files at ``paths`` (after an update)."""
    update()
    filled = {}
    for path in paths:
        for message in read_catalogue(Path(path), TRANSLATED[0]):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and all(strings):
                filled[(message.id if isinstance(message.id, str) else message.id[0], message.context)] = message
    for name in COMPONENTS:
        path = catalogue_path(name, TRANSLATED[0])
        catalogue = read_catalogue(path, TRANSLATED[0])
        for message in catalogue:
            key = (message.id if isinstance(message.id, str) else message.id[0], message.context)
            if message.id and key in filled:
                message.string, message.flags = filled[key].string, message.flags - {"fuzzy"}
        output = BytesIO()
        write_po(output, catalogue, width=120, sort_output=False)
        path.write_bytes(output.getvalue())


def check():
    found = list(problems())
    print("\n".join(found) or "Every template and catalogue is translated.")
    return 1 if found else 0


if __name__ == "__main__":
    command, arguments = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("check", [])
    commands = {"update": update, "check": check, "missing": lambda: missing(arguments),
                "merge": lambda: merge(arguments)}
    if command not in commands:
        sys.exit(f"usage: python scripts/translations.py [{'|'.join(commands)}] (check by default)")
    sys.exit(commands[command]())
