from pathlib import Path

import polib

from siskop2mi.paths import BASE_DIR


def test_every_message_has_an_indonesian_translation():
    catalogue = polib.pofile(str(Path(BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert missing == []
    assert catalogue.percent_translated() == 100
