"""Compile every .po catalogue of danchu to .mo with polib (no GNU gettext needed).

An app's ``django.po`` may be split into parts: ``django-<part>.po`` files beside it are
merged into the same ``django.mo`` (the first translation of a message wins), so that one
feature's strings can live in a file of their own.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    """Every main catalogue (``django.po``); its parts sit beside it."""
    return sorted(Path(settings.BASE_DIR).glob("**/locale/*/LC_MESSAGES/django.po"))


def parts_of(po_path: Path) -> list[Path]:
    return [po_path, *sorted(po_path.parent.glob("django-*.po"))]


def compile_all(force: bool = False) -> int:
    """Write each stale .mo; return how many were written."""
    written = 0
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        sources = parts_of(po_path)
        newest = max(p.stat().st_mtime for p in sources)
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= newest:
            continue
        merged = polib.pofile(str(po_path))
        seen = {(e.msgctxt, e.msgid) for e in merged}
        for part in sources[1:]:
            for entry in polib.pofile(str(part)):
                if (entry.msgctxt, entry.msgid) not in seen:
                    merged.append(entry)
                    seen.add((entry.msgctxt, entry.msgid))
        merged.save_as_mofile(str(mo_path))
        written += 1
    return written


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--force", action="store_true", help="rewrite every .mo")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = compile_all(force=options["force"])
        self.stdout.write(f"{count} catalogue(s) compiled, {len(catalogues())} in all.")
