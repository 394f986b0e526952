"""Dân kiểm tra, dân giám sát: Law 10/2022/QH15 Art. 30–45, Decree 59/2023/NĐ-CP Art. 12–19.

Two boards watch the commune on the residents' behalf:

* the People's Inspection Board (:class:`InspectionBoard`, Ban Thanh tra nhân dân), one per
  commune and term, its members elected by the villages (Art. 36);
* a Community Investment Supervision Board (:class:`SupervisionBoard`, Ban Giám sát đầu tư
  của cộng đồng) per supervised work or project (:class:`SupervisedWork`, Art. 41).

Both plan their work (:class:`BoardPlan`), inspect (:class:`Inspection`: checklist, photos,
findings) and send recommendations to the commune People's Committee
(:class:`Recommendation`), which must answer within 15 days (Art. 40(1)(c), 45(2)(c)).
Residents send concerns to a board (:class:`Concern`, Art. 38).

Every row carries its commune key (``commune``) for sharding and permission scoping.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.core.crypto import EncryptedTextField
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = [
    "BoardKind",
    "BoardPlan",
    "Concern",
    "FundingSource",
    "Inspection",
    "InspectionBoard",
    "InspectionBoardMember",
    "InspectionPhoto",
    "InvestorDocument",
    "Milestone",
    "Position",
    "Recommendation",
    "SupervisedWork",
    "SupervisionBoard",
    "SupervisionBoardMember",
]


class BoardKind(models.TextChoices):
    INSPECTION = "inspection", _("People's Inspection Board")
    SUPERVISION = "supervision", _("Community Investment Supervision Board")


class Position(models.TextChoices):
    HEAD = "head", _("board head")
    DEPUTY = "deputy", _("deputy head")
    MEMBER = "member", _("board member")


class InspectionBoard(models.Model):
    """The commune's People's Inspection Board for one term (Law 10/2022 Art. 36).

    Its term is the village heads' term (Art. 36(2)); the Fatherland Front recognises the
    elected members (Art. 40(2)(a)), after which the board is active.
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    term_starts_on = models.DateField(_("term starts"))
    term_ends_on = models.DateField(_("term ends"))
    recognised_on = models.DateField(_("recognised by the Fatherland Front on"), null=True)
    recognition_reference = models.CharField(_("recognition document"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-term_starts_on", "-id"]
        verbose_name = _("People's Inspection Board")
        verbose_name_plural = _("People's Inspection Boards")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "term_starts_on"], name="inspection_board_one_per_term"
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("term_starts_on")),
                name="inspection_board_term_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.term_starts_on:%Y}–{self.term_ends_on:%Y}"


class InspectionBoardMember(models.Model):
    """A seat of the Inspection Board, held by a resident elected by their village."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    board = models.ForeignKey(InspectionBoard, on_delete=models.CASCADE, related_name="members")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(
        _("position"), max_length=10, choices=Position.choices, default=Position.MEMBER
    )
    elected_on = models.DateField(_("elected on"))
    # The community meeting that elected the member (a decisions matter), when recorded there.
    election_matter = models.ForeignKey(
        "decisions.Matter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    front_recognised_on = models.DateField(_("recognised by the Front on"), null=True, blank=True)
    by_election = models.BooleanField(_("by-election"), default=False)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=250, blank=True)
    # Art. 36(2): a seat vacated with six months or more of the term left is filled.
    by_election_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["board", "village__name", "id"]
        verbose_name = _("inspection board member")
        verbose_name_plural = _("inspection board members")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "resident"],
                condition=Q(left_on__isnull=True),
                name="inspection_member_once",
            ),
            models.UniqueConstraint(
                fields=["board"],
                condition=Q(left_on__isnull=True, position="head"),
                name="inspection_board_one_head",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def term_ends_on(self) -> date:
        """Law 10/2022 Art. 36(2): the seat ends with the board's term (the village heads'),
        whenever the member was elected; a member of an ended board sits on no board."""
        return self.board.term_ends_on


class SupervisedWork(models.Model):
    """A work or project the community supervises (Law 10/2022 Art. 41–45)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("under construction")
        COMPLETED = "completed", _("completed")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name of the work"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    villages = models.ManyToManyField(Village, related_name="+", blank=True)
    investor = models.CharField(_("investor"), max_length=300)
    contractor = models.CharField(_("contractor"), max_length=300, blank=True)
    # VND, exact integers (never floats).
    budget_vnd = models.PositiveBigIntegerField(_("total budget (VND)"))
    starts_on = models.DateField(_("construction starts"))
    ends_on = models.DateField(_("construction ends (planned)"))
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    supervision_starts_on = models.DateField(_("supervision starts"), null=True, blank=True)
    # Art. 45(1)(b): the Front sends the plan and the board's composition to the investor.
    plan_sent_on = models.DateField(_("supervision plan sent to the investor on"), null=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("supervised work")
        verbose_name_plural = _("supervised works")
        indexes = [models.Index(fields=["commune", "status"], name="supervised_work_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="supervised_work_progress_max"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundingSource(models.Model):
    """Where a work's money comes from (state budget, commune budget, contributions, …)."""

    class Kind(models.TextChoices):
        STATE_BUDGET = "state_budget", _("state budget")
        COMMUNE_BUDGET = "commune_budget", _("commune budget")
        COMMUNITY = "community_contributions", _("community contributions")
        SPONSORSHIP = "sponsorship", _("sponsorship")
        OTHER = "other", _("other source")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    work = models.ForeignKey(SupervisedWork, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("source"), max_length=30, choices=Kind.choices)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["work", "id"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount_vnd}"


class Milestone(models.Model):
    """A step of the work's schedule."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    work = models.ForeignKey(SupervisedWork, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["work", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class InvestorDocument(models.Model):
    """A document the investor must provide to the board (Law 10/2022 Art. 43(3), 45(3))."""

    class Kind(models.TextChoices):
        INVESTMENT_DECISION = "investment_decision", _("investment decision")
        CONTACTS = "contacts", _("investor and project management contacts")
        SCHEDULE = "schedule", _("implementation schedule")
        LAND = "land", _("land area used")
        SITE_PLAN = "site_plan", _("detailed site plan")
        COMPENSATION = "compensation", _("compensation and resettlement plan")
        ENVIRONMENT = "environment", _("waste treatment and environmental protection plan")
        TECHNICAL = "technical", _("technical specifications and material norms")
        ACCEPTANCE = "acceptance", _("acceptance and final settlement")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    work = models.ForeignKey(SupervisedWork, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=Kind.choices)
    requested_on = models.DateField(_("requested on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["work", "kind"]
        verbose_name = _("investor document")
        verbose_name_plural = _("investor documents")
        constraints = [
            models.UniqueConstraint(fields=["work", "kind"], name="investor_document_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class SupervisionBoard(models.Model):
    """The board the Front sets up for one supervised work; it dissolves when the work ends
    (Law 10/2022 Art. 41(1))."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    work = models.OneToOneField(
        SupervisedWork, on_delete=models.CASCADE, related_name="supervision_board"
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Community Investment Supervision Board")
        verbose_name_plural = _("Community Investment Supervision Boards")

    def __str__(self) -> str:
        return str(self.work)


class SupervisionBoardMember(models.Model):
    """A member of a supervision board and their declaration of no relatives (Art. 42)."""

    class Represents(models.TextChoices):
        FRONT = "front", _("Fatherland Front")
        INSPECTION = "inspection", _("People's Inspection Board")
        RESIDENT = "resident", _("residents of the affected villages")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    board = models.ForeignKey(SupervisionBoard, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    represents = models.CharField(_("represents"), max_length=20, choices=Represents.choices)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, related_name="+")
    position = models.CharField(
        _("position"), max_length=10, choices=Position.choices, default=Position.MEMBER
    )
    # Art. 42: no relative among the decision-maker, investor, consultants, contractors,
    # supervisors or project managers — declared in writing by the member.
    no_relatives_declared_on = models.DateField(_("declared no relatives on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["board", "id"]
        verbose_name = _("supervision board member")
        verbose_name_plural = _("supervision board members")

    def __str__(self) -> str:
        return self.full_name


class BoardPlan(models.Model):
    """A board's work plan for a quarter, a half-year or a year (Art. 39; Decree 59 Art. 18)."""

    class Period(models.TextChoices):
        QUARTER = "quarter", _("quarter")
        HALF_YEAR = "half_year", _("half-year")
        YEAR = "year", _("year")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    board_kind = models.CharField(_("board"), max_length=20, choices=BoardKind.choices)
    work = models.ForeignKey(
        SupervisedWork, on_delete=models.CASCADE, null=True, blank=True, related_name="plans"
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter or half"), default=1)
    content = models.TextField(_("content of the plan"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "period", "-number"]
        verbose_name = _("board work plan")
        verbose_name_plural = _("board work plans")

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.number}/{self.year}"


class Inspection(models.Model):
    """One inspection or site visit: notified beforehand, then its checklist and findings."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("carried out")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    board_kind = models.CharField(_("board"), max_length=20, choices=BoardKind.choices)
    plan = models.ForeignKey(
        BoardPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="inspections"
    )
    work = models.ForeignKey(
        SupervisedWork, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections"
    )
    # The village of the inspected matter, for the figures per village (commune-wide: none).
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, related_name="+")
    subject = models.CharField(_("subject"), max_length=300)
    inspected_party = models.CharField(_("inspected party"), max_length=300)
    starts_on = models.DateField(_("inspection day"))
    # Decree 59 Art. 14: the plan reaches the Front, the chair and the inspected party
    # at least five working days before.
    notified_on = models.DateField(_("plan notified on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["commune", "starts_on"], name="inspection_commune_day")]

    def __str__(self) -> str:
        return self.subject


class InspectionPhoto(models.Model):
    """A photo taken on a site visit (stored outside the web root)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    """A board's recommendation to the commune People's Committee and its answer.

    Law 10/2022 Art. 40(1)(c), 45(2)(c): the committee resolves it and notifies the result
    within 15 days of receipt; ``due_on`` is stored so that overdue ones can be queried.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting the answer")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    board_kind = models.CharField(_("board"), max_length=20, choices=BoardKind.choices)
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    work = models.ForeignKey(
        SupervisedWork,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, related_name="+")
    content = models.TextField(_("recommendation"))
    # Art. 43: in a serious case the board recommends suspending the works.
    suspend_works = models.BooleanField(_("recommends suspending the works"), default=False)
    # Decree 59 Art. 12(3): decided collectively, by more than half of the members.
    votes_for = models.PositiveSmallIntegerField(_("members in favour"))
    members_total = models.PositiveSmallIntegerField(_("members of the board"))
    received_on = models.DateField(_("received by the commune on"))
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("the commune's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(_("escalated to the Front on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [
            models.Index(fields=["commune", "status", "due_on"], name="recommendation_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__lte=models.F("members_total")),
                name="recommendation_votes_within_board",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    @property
    def answered_in_time(self) -> bool | None:
        if self.answered_on is None:
            return None
        return self.answered_on <= self.due_on


class Concern(models.Model):
    """A resident's concern sent to a board (Art. 38), optionally asking for verification."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        HANDLED = "handled", _("handled")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    board_kind = models.CharField(_("board"), max_length=20, choices=BoardKind.choices)
    work = models.ForeignKey(
        SupervisedWork, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    message = models.TextField(_("your concern"))
    # Art. 38: the board verifies a case at the citizen's request and answers them.
    wants_verification = models.BooleanField(_("I ask the board to verify this"), default=False)
    sender_name = models.CharField(_("your name"), max_length=200, blank=True)
    # Personal data: encrypted at rest, never shown publicly.
    sender_contact = EncryptedTextField(_("phone or e-mail to answer you"), blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    reply = models.TextField(_("the board's reply"), blank=True)
    # A keyed hash of the sender's address, only to limit how many concerns one address sends
    # an hour (the address itself is not kept).
    source_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("concern sent to a board")
        verbose_name_plural = _("concerns sent to a board")
        indexes = [models.Index(fields=["source_key", "received_at"], name="concern_source_time")]

    def __str__(self) -> str:
        return self.message[:80]
