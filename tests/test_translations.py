import ast
import re
from pathlib import Path

import polib

from siskop2mi.paths import BASE_DIR

CATALOGUE = Path(BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"
# Our code, not tests, benchmarks, migrations or the virtualenv.
SOURCE_DIRS = ("accounts", "agencies", "complaints", "core", "dashboard", "exports", "oversight", "placement",
               "portal", "public", "recruitment", "siskop2mi", "villages")  # fmt: skip
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
TEMPLATE_TRANSLATE = re.compile(r"""{%\s*translate\s+"([^"]*)"\s*(?:as\s+\w+\s*)?%}""")


def _translated_msgids() -> set[str]:
    return {entry.msgid for entry in polib.pofile(str(CATALOGUE)) if entry.translated()}


def _msgids_in_python() -> set[tuple[str, str]]:
    """Every literal handed to gettext in our Python code, with the file it is in."""
    found = set()
    for directory in SOURCE_DIRS:
        for path in (Path(BASE_DIR) / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[-1], ast.Constant)):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in GETTEXT_NAMES and isinstance(node.args[-1].value, str):
                    found.add((str(path.relative_to(BASE_DIR)), node.args[-1].value))
    return found


def test_every_message_has_an_indonesian_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert missing == []
    assert catalogue.percent_translated() == 100


def test_every_message_in_the_code_and_templates_is_in_the_catalogue():
    """A string marked for translation but never added to the catalogue shows in English to everyone."""
    translated = _translated_msgids()
    untranslated = sorted((path, msgid) for path, msgid in _msgids_in_python() if msgid not in translated)
    for template in (Path(BASE_DIR) / "templates").rglob("*.html"):
        for msgid in TEMPLATE_TRANSLATE.findall(template.read_text()):
            if msgid not in translated:
                untranslated.append((str(template.relative_to(BASE_DIR)), msgid))
    assert untranslated == []
