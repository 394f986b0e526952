"""Every user-facing string has a Vietnamese translation (Vietnamese first; English second).

Scans the source for gettext calls with a literal and the templates for {% translate %} and
{% blocktranslate %}, then asks the compiled catalogues (danchu's and Django's own) for the
Vietnamese text. A string that comes back unchanged is untranslated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from danchu.core.management.commands.compile_translations import compile_all

SRC = Path(__file__).resolve().parent.parent / "src" / "danchu"
# Strings that read the same in both languages.
SAME_IN_BOTH = {"danchu", "API", "OTP", "QR", "CCCD", "Email", "E-mail", "OK", "%(count)s"}

PY_CALL = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*(?P<q>["'])(?P<s>(?:\\.|(?!(?P=q)).)+)(?P=q)\s*[,)]"""
)
TPL_TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<s>.+?)(?P=q)""")
TPL_BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*(?:plural|endblocktrans(?:late)?)\s*%\}",
    re.S,
)
TPL_VAR = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def _python_strings() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for match in PY_CALL.finditer(path.read_text(encoding="utf-8")):
            text = match.group("s").encode().decode("unicode_escape").encode("latin-1").decode()
            found.add(text)
    return found


def _template_strings() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        found.update(m.group("s") for m in TPL_TRANSLATE.finditer(text))
        for match in TPL_BLOCK.finditer(text):
            body = TPL_VAR.sub(lambda m: f"%({m.group(1)})s", match.group("body"))
            if "trimmed" in match.group("args"):
                body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
            found.add(body)
    return found


def test_every_user_facing_string_has_a_vietnamese_translation():
    compile_all()
    translation.trans_real._translations = {}  # reload the freshly compiled catalogues
    strings = _python_strings() | _template_strings()
    assert len(strings) > 50, "the scanner found too few strings: is it broken?"
    with translation.override("vi"):
        missing = sorted(
            s for s in strings if s not in SAME_IN_BOTH and translation.gettext(s) == s
        )
    assert not missing, "Untranslated strings:\n" + "\n".join(missing)


@pytest.mark.parametrize("code", ["vi", "en"])
def test_both_languages_are_offered(settings, code):
    assert code in dict(settings.LANGUAGES)
