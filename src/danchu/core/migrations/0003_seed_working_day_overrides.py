"""Seed the government's working-day adjustments known when this was written.

``holidays`` 0.109 already has Monday 2026-08-31 as a day off ("Ngày nghỉ (thay cho ngày
22/08/2026)"), 2026-09-01/02 (Quốc khánh) and Tết 2027 (2027-02-04 to 2027-02-10). It keeps
the worked Saturday 2026-08-22 only in its ``weekend_workdays`` set, not in the holiday list;
the calendar reads that set, and this row states the swap in the table officials see (and
keeps it should a later ``holidays`` release drop it). Idempotent; no audit entry, as for
any seed data.
"""

import datetime

from django.db import migrations

SOURCE = (
    "Lịch nghỉ Quốc khánh 2/9/2026: "
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/"
    "lich-nghi-le-quoc-khanh-29-hai-quan-nam-2026-nhu-the-nao-138100727.html"
)
SEEDS = [
    (
        datetime.date(2026, 8, 22),
        "working_day",
        "Làm bù cho ngày nghỉ thứ Hai 31/08/2026 (Quốc khánh 2026)",
        SOURCE,
    ),
]


def forwards(apps, schema_editor):
    model = apps.get_model("core", "WorkingDayOverride")
    for day, kind, name, source in SEEDS:
        model.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name, "source": source}
        )


def backwards(apps, schema_editor):
    model = apps.get_model("core", "WorkingDayOverride")
    model.objects.filter(date__in=[s[0] for s in SEEDS], source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
