"""Steering and review data (chỉ đạo, sơ kết, tổng kết).

Sections, one per part of the app: roll-ups of the indicators; review reports; steering plans,
key tasks, emulation rounds and awards.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from danchu.territory.models import AdministrativeUnit, Village

# --- roll-ups (figures per village and day) ---------------------------------------------
# Facts of the pillars summed per (code, source commune, village, day): ``source`` is the
# commune the rows belong to (a 2025 commune or a former one); ``commune`` and ``province`` are
# where they count since 1 July 2025 (the successor of a former commune and its province),
# denormalised so a province's figures are one indexed GROUP BY. The monthly layer has the same
# keys with the month's first day, so long periods read few rows. Derived data: no foreign-key
# constraints in the database (a rebuild writes millions of rows; Django still cascades). A NULL
# village is unique too: two partial unique constraints (one per case) work on SQLite and
# PostgreSQL alike.


def _figure_constraints(prefix: str, when: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["code", "source", "village", when],
            condition=Q(village__isnull=False),
            name=f"{prefix}_unique_village",
        ),
        models.UniqueConstraint(
            fields=["code", "source", when],
            condition=Q(village__isnull=True),
            name=f"{prefix}_unique_commune",
        ),
    ]


def _figure_indexes(prefix: str, when: str) -> list[models.Index]:
    return [
        models.Index(fields=["province", when, "code"], name=f"{prefix}_province"),
        models.Index(fields=["commune", when, "code"], name=f"{prefix}_commune"),
        models.Index(fields=["source", when], name=f"{prefix}_source"),
        models.Index(fields=["village", when], name=f"{prefix}_village"),
    ]


class _FigureRow(models.Model):
    """What the daily and monthly layers share: the indicator, where the rows belong (source
    commune and village) and where they count (2025 commune and province), and the value."""

    code = models.CharField(_("indicator"), max_length=80)
    source = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    village = models.ForeignKey(
        "territory.Village",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    commune = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    province = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    value = models.BigIntegerField(_("value"))

    class Meta:
        abstract = True


class DailyFigure(_FigureRow):
    """The sum of one indicator's facts for one source commune, village and day."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = _figure_constraints("dailyfig", "day")
        indexes = _figure_indexes("dailyfig", "day")

    def __str__(self) -> str:
        return f"{self.code} {self.source_id}/{self.village_id} {self.day}: {self.value}"


class MonthlyFigure(_FigureRow):
    """The daily figures of one calendar month summed (``month`` is its first day)."""

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        constraints = _figure_constraints("monthfig", "month")
        indexes = _figure_indexes("monthfig", "month")

    def __str__(self) -> str:
        return f"{self.code} {self.source_id}/{self.village_id} {self.month:%Y-%m}: {self.value}"


class DirtyCommune(models.Model):
    """A commune whose pillar rows changed since its roll-ups were computed.

    One row per marking (never unique): concurrent writers only insert, so they do not wait on
    each other, and a refresh deletes exactly the rows it saw — a marking that arrives while it
    runs stays for the next refresh.
    """

    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commune to refresh")
        verbose_name_plural = _("communes to refresh")
        indexes = [models.Index(fields=["commune"], name="dirtycommune_commune")]

    def __str__(self) -> str:
        return str(self.commune_id)


class RollupStamp(models.Model):
    """The day a commune's roll-ups were last computed. Some facts depend on the day they are
    read (a request becomes overdue, a reception week ends: the pillars' ``TIME_DEPENDENT``
    codes), so a commune computed before today is stale when the catalogue has such codes."""

    commune = models.OneToOneField(
        "territory.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    as_of = models.DateField(_("computed on"))

    class Meta:
        verbose_name = _("roll-up stamp")
        verbose_name_plural = _("roll-up stamps")
        indexes = [models.Index(fields=["as_of"], name="rollupstamp_as_of")]

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.as_of}"


class ReportedFigure(models.Model):
    """A figure a commune (or a former commune, before danchu) reported for a period, as sent
    up in its Excel sheets: raw data beside the pillars' rows. ``commune`` and ``province`` are
    where it counts since 1 July 2025 (kept by the roll-ups like theirs)."""

    unit = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporting unit"),
    )
    code = models.CharField(_("indicator"), max_length=80)
    first = models.DateField(_("first day"))
    last = models.DateField(_("last day"))
    value = models.BigIntegerField(_("value"))
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    batch = models.CharField(_("import batch"), max_length=40, blank=True, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code", "first", "last"], name="reportedfig_unique"
            ),
            models.CheckConstraint(
                condition=Q(first__lte=models.F("last")), name="reportedfig_first_before_last"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "first", "last"], name="reportedfig_province"),
            models.Index(fields=["commune", "first", "last"], name="reportedfig_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.unit_id} {self.first}..{self.last}: {self.value}"


# --- review reports (báo cáo sơ kết, tổng kết) --------------------------------------------


class ReviewReport(models.Model):
    """A review report (báo cáo sơ kết / tổng kết) of a commune or a province for a period.

    A draft keeps the figures computed when it was created or last refreshed (``snapshot``)
    and the narrative the officials write. Issuing numbers it (``Số: 05/BC-UBND``, per issuer
    and calendar year, NĐ 30/2020 Art. 15) and freezes it: figures, text, key tasks and awards
    no longer change when the underlying data does.
    """

    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", _("half-year review")
        ANNUAL = "annual", _("annual review")
        FIVE_YEAR = "five_year", _("five-year review")
        OTHER = "other", _("other review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")

    # The unit reviewed (a 2025 commune or a province); its People's Committee issues it.
    unit = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("unit"),
    )  # fmt: skip
    # Scope keys for the permission layer: a commune's report has both, a province's only
    # the province.
    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    province = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(_("kind of review"), max_length=20, choices=Kind.choices)
    period_kind = models.CharField(_("kind of period"), max_length=10)
    period_first = models.DateField(_("first day of the period"))
    period_last = models.DateField(_("last day of the period"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issuer_name = models.CharField(_("issuing body"), max_length=200)
    parent_body = models.CharField(_("parent body"), max_length=200, blank=True)
    symbol = models.CharField(_("symbol"), max_length=30, default="BC-UBND")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(_("year of the number"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    results = models.TextField(_("results"), blank=True)
    limitations = models.TextField(_("limitations and causes"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    next_tasks = models.TextField(_("tasks and solutions for the next period"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    signer_authority = models.CharField(_("signing authority"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    snapshot = models.JSONField(_("figures"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        constraints = [
            # NĐ 30/2020 Art. 15: one number per issuer per calendar year.
            models.UniqueConstraint(
                fields=["unit", "number_year", "number"],
                condition=models.Q(number__isnull=False),
                name="review_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(
                    number__isnull=False, number_year__isnull=False, issued_on__isnull=False
                ),
                name="review_issued_has_number",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=models.Q(period_last__gte=models.F("period_first")),
                name="review_period_order",
            ),
        ]
        indexes = [models.Index(fields=["unit", "-period_last"], name="review_unit_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def reference(self) -> str:
        """``05/BC-UBND`` once issued (numbers below 10 get a leading zero, NĐ 30/2020 Annex
        I); blank before."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.symbol}"


class ReviewNumberCounter(models.Model):
    """The last number given to a review of one issuer in one year. Issuing locks this row
    (``select_for_update``), so numbers are gap-free and never given twice."""

    unit = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)
    last_issued_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="review_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


# --- steering plans, key tasks, emulation and awards --------------------------------------

# A steering plan, an emulation round and an award belong to a commune's or a province's
# steering committee (Ban Chỉ đạo thực hiện dân chủ ở cơ sở). ``unit`` is that commune or
# province; ``province`` and ``commune`` (empty for a province's rows) are kept on every row so
# the permission layer scopes them without joins (a commune role sees its commune's rows, a
# province reader its province's).


class SteeringPlan(models.Model):
    """A steering committee's plan for a period (kế hoạch chỉ đạo) with its key tasks.

    The People's Committees direct and review the implementation of grassroots democracy
    (Law 10/2022 Art. 91–92); a plan lists the key tasks (nhiệm vụ trọng tâm) for a period such
    as "8 key tasks for the second half of 2021".
    """

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    period_first = models.DateField(_("from"))
    period_last = models.DateField(_("to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_first", "-id"]
        verbose_name = _("steering plan")
        verbose_name_plural = _("steering plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_last__gte=F("period_first")), name="steering_plan_period"
            ),
            models.CheckConstraint(
                condition=Q(commune__isnull=True) | Q(commune=F("unit")),
                name="steering_plan_commune_is_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "period_first"], name="steering_plan_unit_period"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class KeyTask(models.Model):
    """A key task of a plan (nhiệm vụ trọng tâm): assigned to units, with a deadline.

    Overdue as of a day: its deadline has passed and it was not done by that day (and it was
    not cancelled) — see :meth:`overdue_on`.
    """

    plan = models.ForeignKey(SteeringPlan, on_delete=models.CASCADE, related_name="tasks")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="key_task_position"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="key_task_percent"),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.DONE, done_on__isnull=False)
                | (~Q(status=TaskStatus.DONE) & Q(done_on__isnull=True)),
                name="key_task_done_on",
            ),
        ]
        indexes = [models.Index(fields=["commune", "deadline"], name="key_task_commune_deadline")]

    def __str__(self) -> str:
        return self.title

    def overdue_on(self, day: date) -> bool:
        """Deadline passed (strictly before ``day``) and not done by ``day``, not cancelled."""
        if self.deadline is None or self.status == TaskStatus.CANCELLED:
            return False
        if self.deadline >= day:
            return False
        done_by_then = self.status == TaskStatus.DONE and self.done_on is not None
        return not (done_by_then and self.done_on is not None and self.done_on <= day)


class TaskAssignment(models.Model):
    """A unit a key task is assigned to: a village of the commune (commune plans) or a commune
    of the province (province plans). ``commune`` is the assigned commune or the village's."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="assignments")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["task", "id"]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "village"],
                condition=Q(village__isnull=False),
                name="task_assignment_village",
            ),
            models.UniqueConstraint(
                fields=["task", "commune"],
                condition=Q(village__isnull=True),
                name="task_assignment_commune",
            ),
        ]
        indexes = [models.Index(fields=["commune", "village"], name="task_assignment_unit")]

    def __str__(self) -> str:
        return self.unit_name

    @property
    def unit_name(self) -> str:
        return self.village.name if self.village is not None else self.commune.name


class TaskProgress(models.Model):
    """A progress update on a key task: a note, a percentage, optional evidence (a file stored
    outside the web root), by whom and when."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="updates")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The assigned unit that reported (empty when the committee itself recorded it).
    assignment = models.ForeignKey(
        TaskAssignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("progress note"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    reported_on = models.DateField(_("reported on"))
    evidence_name = models.CharField(_("evidence"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_path = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class EmulationRound(models.Model):
    """An emulation round (đợt thi đua) of a commune (ranking its villages) or a province
    (ranking its communes) over a period, scored on criteria from the indicator catalogue."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    period_first = models.DateField(_("from"))
    period_last = models.DateField(_("to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_last", "-id"]
        verbose_name = _("emulation round")
        verbose_name_plural = _("emulation rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_last__gte=F("period_first")), name="emulation_round_period"
            ),
            models.CheckConstraint(
                condition=Q(commune__isnull=True) | Q(commune=F("unit")),
                name="emulation_round_commune_is_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class EmulationCriterion(models.Model):
    """One criterion of a round: an indicator of the catalogue, its weight in points and
    whether a higher or a lower value is better."""

    round = models.ForeignKey(EmulationRound, on_delete=models.CASCADE, related_name="criteria")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    indicator_code = models.CharField(_("indicator"), max_length=80)
    weight = models.PositiveSmallIntegerField(_("weight (points)"))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )

    class Meta:
        ordering = ["round", "position", "id"]
        verbose_name = _("emulation criterion")
        verbose_name_plural = _("emulation criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "indicator_code"], name="emulation_criterion_once"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=1000), name="emulation_criterion_weight"
            ),
        ]

    def __str__(self) -> str:
        return self.indicator_code


class AwardKind(models.TextChoices):
    # Law 06/2022/QH15 on emulation and commendation: the commune chair awards the Giấy khen,
    # the province chair the Bằng khen.
    COMMUNE_CERTIFICATE = "giay_khen", _("Certificate of merit of the commune chair (Giấy khen)")
    PROVINCE_CERTIFICATE = "bang_khen", _("Certificate of merit of the province chair (Bằng khen)")
    OTHER = "other", _("Other commendation")


class Award(models.Model):
    """An award (khen thưởng) given by a commune or province: to a village or commune of the
    ranking, or to a named collective or person; recorded with its decision."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    round = models.ForeignKey(
        EmulationRound, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AwardKind.choices)
    kind_other = models.CharField(_("name of the commendation"), max_length=200, blank=True)
    recipient_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_name = models.CharField(_("recipient"), max_length=300)
    citation = models.CharField(_("for"), max_length=500, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decision_date", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_village__isnull=True) | Q(recipient_commune__isnull=True),
                name="award_one_recipient_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "decision_date"], name="award_unit_date")]

    def __str__(self) -> str:
        return self.recipient_name

    @property
    def kind_label(self) -> str:
        if self.kind == AwardKind.OTHER and self.kind_other:
            return self.kind_other
        return str(self.get_kind_display())
