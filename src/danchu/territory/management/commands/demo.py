"""``danchu demo``: load the demo commune Xã Can Lộc and print how to sign in as each role."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from danchu.territory.demo import DEMO_URL, DemoResult, demo_load, demo_load_apps

__all__ = ["Command"]


class Command(BaseCommand):
    help = "Load the demo commune Xã Can Lộc (Hà Tĩnh) with generated households and accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025, help="Random seed (default 2025).")
        parser.add_argument(
            "--households", type=int, default=2000, help="Number of households (default 2000)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Remove the demo commune's data and rebuild it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_load(
            seed=options["seed"],
            households=max(1, options["households"]),
            reset=options["reset"],
            progress=lambda message: self.stdout.write(message),
        )
        if result.units_loaded:
            self.stdout.write(_("Administrative units loaded."))
        if result.households_created:
            self.stdout.write(
                _("%(households)d households with %(residents)d residents created.")
                % {"households": result.households_created, "residents": result.residents_created}
            )
        else:
            self.stdout.write(
                _(
                    "The demo commune already has %(households)d households "
                    "(use --reset to rebuild)."
                )
                % {"households": result.households_total}
            )
        # Each app's own demo data for the commune (disclosures, …), after the commune.
        demo_load_apps(result.commune, seed=options["seed"], stdout=self.stdout)
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        self._print_sign_ins(result)

    def _print_sign_ins(self, result: DemoResult) -> None:
        from danchu.accounts.models import Role

        line = "=" * 78
        out = ["", line, "Đăng nhập demo / Demo sign-ins", line, f"URL: {DEMO_URL}"]
        out.append(_("Officials: user name and password"))
        for s in (s for s in result.sign_ins if s.kind == "password"):
            out.append(f"  {Role(s.role).label} — {s.where}")
            out.append(f"      {s.username:<28} {s.secret}")
        out.append(_("Household representatives: one-time slip code (sign in with a slip)"))
        for s in (s for s in result.sign_ins if s.kind == "slip"):
            out.append(f"  {Role(s.role).label} — {s.username} ({s.where})")
            out.append(f"      {s.secret}")
        out.append(line)
        self.stdout.write("\n".join(out))
