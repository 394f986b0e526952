"""``danchu village-head-sweep``: the daily run of the village head's office clocks — remind the
commune before an elected term (Decree 59/2023 Art. 6), an interim period (Art. 9) or the 60-day
re-election after a dismissal (Art. 9(3)) ends, tell it once of a vacant office, escalate an
overdue re-election to the chair and the Fatherland Front. Safe to run more than once a day."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from danchu.decisions.office_reminders import village_head_sweep


class Command(BaseCommand):
    help = "Remind the commune of village-head terms, interim periods and re-elections ending."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        r = village_head_sweep()
        self.stdout.write(
            f"Terms ending {r.term_ending}, interim periods ending {r.interim_ending}, "
            f"vacant {r.vacant}, re-elections due {r.reelection_due}, escalated {r.escalated}."
        )
