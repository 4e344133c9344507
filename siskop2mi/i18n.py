"""Compile .po catalogues to .mo with polib, so no GNU gettext is needed anywhere."""

from pathlib import Path

import polib


def compile_catalogues(locale_dirs) -> int:
    """Compile every stale catalogue under the given locale dirs; return how many were written."""
    compiled = 0
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
    return compiled
