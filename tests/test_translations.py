"""Every template's words go through the catalogues, and every catalogue has all its messages in Spanish
(scripts/translations.py check); and the check itself finds what it should."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "translations.py"


def translations():
    spec = importlib.util.spec_from_file_location("translations", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_template_and_catalogue_is_translated():
    found = subprocess.run([sys.executable, str(SCRIPT), "check"], capture_output=True, text=True, cwd=ROOT)
    assert found.returncode == 0, found.stdout[-6000:] + found.stderr[-2000:]


@pytest.mark.parametrize(("source", "untranslated"), [
    ("<p>Pay now</p>", ["Pay now"]),
    ('<button aria-label="Close">x</button>', ["Close"]),
    ('<input placeholder="Search invoices" name="q">', ["Search invoices"]),
    ("<h1>{{ _('Pay now') }}</h1>", []),
    ("{% trans total=amount|money %}You owe {{ total }} today.{% endtrans %}", []),
    ('<a href="{{ url }}" title="{{ _(\'Open\') }}">{{ name }}</a>', []),
    ("<script>const words = 'not shown';</script><p>{{ value }} · 42</p>", []),
    ("<p>Portico · PDF</p>", []),  # names that read the same in every language
])
def test_the_check_finds_words_outside_the_catalogue(tmp_path, source, untranslated):
    page = tmp_path / "page.html"
    page.write_text(source)
    assert [text for _, text in translations().untranslated_text(page)] == untranslated


def test_the_check_reads_every_line_of_a_text_email(tmp_path):
    email = tmp_path / "receipt.txt"
    email.write_text("{{ _('Thank you.') }}\nAmount: {{ amount }}\n")
    assert translations().untranslated_text(email) == [(2, "Amount:")]
