"""``danchu remind-request-deadlines``: the daily sweep that reminds handlers (or the chair)
of requests whose deadline is two working days away or passed. Idempotent: run it from cron
or a systemd timer once a day."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from danchu.petitions.services import request_remind_due


class Command(BaseCommand):
    help = "Remind handlers of citizens' requests whose deadline is near or passed."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = request_remind_due()
        self.stdout.write(f"Reminded about {count} request(s).")
