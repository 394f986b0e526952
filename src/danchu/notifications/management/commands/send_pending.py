"""``danchu send-pending``: the cron sweep of the outbox (messages whose task was lost, retries
that are due, messages left "sending" by a crashed worker)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from danchu.notifications.services import outbound_send_pending


class Command(BaseCommand):
    help = "Send (or enqueue with --enqueue) queued e-mail/SMS messages that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue tasks for the worker instead."
        )
        parser.add_argument(
            "--grace-seconds", type=int, default=60,
            help="Leave messages younger than this to their own task (default 60).",
        )  # fmt: skip

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = outbound_send_pending(
            grace=timedelta(seconds=max(0, options["grace_seconds"])), enqueue=options["enqueue"]
        )
        verb = "Enqueued" if options["enqueue"] else "Processed"
        self.stdout.write(f"{verb} {count} pending message(s).")
