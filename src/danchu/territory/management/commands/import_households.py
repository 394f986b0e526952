"""``danchu import-households FILE --commune CODE [--dry-run]``: import the household file.

A progress bar goes to stderr; errors are printed as a table "Dòng / Cột / Lỗi" and the command
exits non-zero when the file is refused. Runs as the system (no person): the operator who can
run commands on the server already controls the data.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from danchu.territory.imports import household_import_check, household_import_run
from danchu.territory.models import AdministrativeUnit, HouseholdImport

__all__ = ["Command", "ProgressBar"]


class ProgressBar:
    """A one-line bar redrawn at most ten times a second (no dependency)."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.last = 0.0
        self.interactive = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        fraction = min(1.0, done / total) if total else 0.0
        filled = int(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {fraction:6.1%}  {now - self.started:6.1f}s"
        self.stream.write(("\r" + line) if self.interactive else (line + "\n"))
        self.stream.flush()

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Import households and residents from an .xlsx or .csv file (see docs/import-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--commune", required=True, help="the commune's code (2025 list)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        commune = AdministrativeUnit.objects.filter(
            era=AdministrativeUnit.Era.CURRENT,
            level=AdministrativeUnit.Level.COMMUNE,
            code=options["commune"],
        ).first()
        if commune is None:
            raise CommandError(_("No commune with code %(code)s.") % {"code": options["commune"]})
        # The raw stream: OutputWrapper would end every write with a new line.
        bar = (
            None
            if options["no_progress"]
            else ProgressBar(getattr(self.stderr, "_out", sys.stderr))
        )
        kwargs: dict[str, Any] = {
            "actor": None,
            "commune": commune,
            "path": path,
            "file_name": path.name,
        }
        if options["dry_run"]:
            parsed, summary = household_import_check(**kwargs, progress=bar)
            errors, failed = parsed.errors, not parsed.ok
        else:
            result = household_import_run(**kwargs, progress=bar)
            errors, summary = result.errors, result.summary
            failed = result.status == HouseholdImport.Status.FAILED
        if bar:
            bar.finish()
        if failed:
            self._print_errors(errors, summary)
            raise CommandError(_("The file was refused; nothing was imported."))
        self._print_summary(summary, dry_run=options["dry_run"])

    def _print_errors(self, errors: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        headers = (_("Row"), _("Column"), _("Error"))
        table = [(str(e["row"] or ""), str(e["column"]), str(e["message"])) for e in errors]
        widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h)
                  for i, h in enumerate(headers[:2])]  # fmt: skip
        line = f"{headers[0]:<{widths[0]}}  {headers[1]:<{widths[1]}}  {headers[2]}"
        self.stdout.write(line)
        self.stdout.write("-" * len(line))
        for row, column, message in table:
            self.stdout.write(f"{row:<{widths[0]}}  {column:<{widths[1]}}  {message}")
        more = summary.get("unlisted_errors", 0)
        if more:
            self.stdout.write(_("… and %(count)s more errors.") % {"count": more})

    def _print_summary(self, summary: dict[str, Any], *, dry_run: bool) -> None:
        self.stdout.write(
            (_("Valid file (nothing written).") if dry_run else _("Imported."))
            + " "
            + _(
                "Households: %(hc)s new, %(hu)s updated, %(hn)s unchanged, %(hm)s moved. "
                "Residents: %(rc)s new, %(ru)s updated, %(rn)s unchanged."
            )
            % {
                "hc": summary.get("households_created", 0),
                "hu": summary.get("households_updated", 0),
                "hn": summary.get("households_unchanged", 0),
                "hm": summary.get("households_moved", 0),
                "rc": summary.get("residents_created", 0),
                "ru": summary.get("residents_updated", 0),
                "rn": summary.get("residents_unchanged", 0),
            }
        )
