"""``danchu oversight-sweep``: the daily run of the boards' answer clock — remind the commune
of recommendations due within three days, escalate overdue ones to the Fatherland Front
(Law 10/2022 Art. 40(1)(c), 45(2)(c)). Safe to run more than once a day."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from danchu.oversight.services import recommendations_sweep


class Command(BaseCommand):
    help = "Remind and escalate the boards' recommendations the commune has not answered."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = recommendations_sweep()
        self.stdout.write(f"Reminded {result.reminded}, escalated {result.escalated}.")
