"""``danchu load-units``: load or refresh the official administrative units."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from danchu.territory.units import load_units

__all__ = ["Command"]


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 communes (and the former units as history)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = load_units(actor=None)
        elapsed = time.monotonic() - started
        self.stdout.write(
            _(
                "Administrative units (vietnam-provinces %(version)s): %(created)d created, "
                "%(updated)d updated, %(unchanged)d unchanged; successions: %(links_created)d "
                "created, %(links_deleted)d removed; %(seconds).1f s."
            )
            % {
                "version": result.package_version,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "links_created": result.successions_created,
                "links_deleted": result.successions_deleted,
                "seconds": elapsed,
            }
        )
        for key, count in result.counts.items():
            self.stdout.write(f"  {key}: {count}")
