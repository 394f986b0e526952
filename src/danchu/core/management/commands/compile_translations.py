"""Compile every .po catalogue of danchu to .mo with polib (no GNU gettext needed)."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    return sorted(Path(settings.BASE_DIR).glob("**/locale/*/LC_MESSAGES/*.po"))


def compile_all(force: bool = False) -> int:
    """Write each stale .mo; return how many were written."""
    written = 0
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written += 1
    return written


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--force", action="store_true", help="rewrite every .mo")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = compile_all(force=options["force"])
        self.stdout.write(f"{count} catalogue(s) compiled, {len(catalogues())} in all.")
