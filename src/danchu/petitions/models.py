"""Citizens' requests and what the commune owes them (Law 10/2022 Art. 32–35)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.core.crypto import EncryptedTextField
from danchu.territory.models import AdministrativeUnit, Village

# ---------------------------------------------------------------------------------------------
# Requests: feedback, complaints, denunciations, information requests, disputes; deadlines.
# ---------------------------------------------------------------------------------------------


class RequestKind(models.TextChoices):
    FEEDBACK = "feedback", _("feedback or recommendation")
    COMPLAINT = "complaint", _("complaint")
    DENUNCIATION = "denunciation", _("denunciation")
    INFORMATION = "information", _("request for information")
    DISPUTE = "dispute", _("dispute for mediation")


class RequestChannel(models.TextChoices):
    WEB = "web", _("on the web")
    PHONE = "phone", _("by phone")
    RECEPTION = "reception", _("at a reception day")
    POST = "post", _("by post")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("being handled")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("not accepted")
    FORWARDED = "forwarded", _("forwarded to the competent body")
    MERGED = "merged", _("merged into another request")


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class CitizenRequest(models.Model):
    """What a resident brings to the commune: content, place, kind, status and its clocks.

    Never holds who filed it: the requester's name, phone, address, account and original
    wording live in :class:`RequesterIdentity`, encrypted and shown only through
    ``petitions.identity`` (Luật Tố cáo Art. 8(3), 9(1)(b), 56; Law 10/2022 Art. 9(2)).
    ``content`` is the text with the requester's own details taken out.
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    kind = models.CharField(
        _("kind of request"), max_length=20, choices=RequestKind.choices,
        default=RequestKind.FEEDBACK,
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=20, choices=RequestChannel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    subject = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content of the request"))
    search_folded = models.TextField(editable=False, default="")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    received_on = models.DateField(_("received on"))
    received_at = models.DateTimeField(auto_now_add=True)
    classified_at = models.DateTimeField(null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Clocks (stored so that queues can query them; recomputed only by services).
    first_step_due_on = models.DateField(_("acceptance due by"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    due_on = models.DateField(_("settlement due by"), null=True, blank=True)
    complex_case = models.BooleanField(_("complex case"), default=False)
    remote_area = models.BooleanField(_("remote or hard-to-reach area"), default=False)
    several_places = models.BooleanField(_("several places must be checked"), default=False)
    decision_known_on = models.DateField(null=True, blank=True)  # complaint limitation trigger
    extra_days = models.PositiveIntegerField(default=0)  # pauses and extensions, calendar days
    extensions = models.PositiveSmallIntegerField(default=0)
    paused_on = models.DateField(null=True, blank=True)
    # Outcome.
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    send_due_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    forwarded_to = models.CharField(max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_requests"
    )
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    # Set once the request is (or was ever) a denunciation; never cleared, so reclassifying
    # it does not open the denouncer's identity to more people (Luật Tố cáo Art. 8(3)).
    identity_protected = models.BooleanField(default=False)
    reopened_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("citizen request")
        verbose_name_plural = _("citizen requests")
        indexes = [
            models.Index(fields=["commune", "status", "due_on"], name="petition_request_due"),
            models.Index(fields=["commune", "kind", "received_on"], name="petition_request_kind"),
            # Newest first within a commune: the queue's order; a common search word then
            # reads a few hundred rows in this order instead of every match (bench/).
            models.Index(fields=["commune", "-received_on", "-id"], name="petition_request_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="petition_request_satisfaction_1_5",
            ),
            # Luật Tố cáo Art. 30(1): at most two extensions; reopen once (issue 5).
            models.CheckConstraint(
                condition=models.Q(extensions__lte=2), name="petition_request_two_extensions"
            ),
            models.CheckConstraint(
                condition=models.Q(reopened_count__lte=1), name="petition_request_reopen_once"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequesterIdentity(models.Model):
    """Who filed a request, kept apart and encrypted (Luật Tố cáo Art. 56(1)(a)-(b)).

    Read only through :func:`danchu.petitions.identity.reveal`, which checks the reader and
    writes an audit entry; selectors never join this table. ``person_key`` is a keyed hash of
    the folded name and phone, for duplicate detection without the clear text.
    """

    request = models.OneToOneField(
        CitizenRequest, on_delete=models.CASCADE, related_name="identity"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    full_name = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    address = EncryptedTextField(blank=True)
    original_content = EncryptedTextField(blank=True)
    person_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("requester identity")

    def __str__(self) -> str:
        return f"identity of request {self.request_id}"


class ClockDecision(models.Model):
    """A recorded, reasoned decision that moves a clock: pause, resume or extension.

    Clocks move only through these rows (issue 5; Luật Tố cáo Art. 30(1), 31; Luật Khiếu
    nại Art. 9 for time lost to objective obstacles).
    """

    class Kind(models.TextChoices):
        PAUSE = "pause", _("pause")
        RESUME = "resume", _("resume")
        EXTENSION = "extension", _("extension")

    request = models.ForeignKey(CitizenRequest, on_delete=models.CASCADE, related_name="clock")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    decided_on = models.DateField()
    document = models.CharField(_("decision number"), max_length=100)
    reason = models.TextField(_("reason"))
    days = models.PositiveIntegerField(default=0)
    due_before = models.DateField(null=True, blank=True)
    due_after = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.document}"


class RequestAttachment(models.Model):
    """A file with a request: the requester's own (which may carry their handwriting) or one an
    official adds (a decision, the stripped copy for verifiers).

    A denouncer's own files are identity material (Luật Tố cáo Art. 56(1)(b)): only those who
    may see the denouncer open them, and each opening is logged (``petitions.identity``).
    """

    request = models.ForeignKey(
        CitizenRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    from_requester = models.BooleanField(default=True)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=255, unique=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.name


# (end of requests)
# ---------------------------------------------------------------------------------------------
# Reception days (tiếp công dân), dialogues (đối thoại) and mediation (hòa giải ở cơ sở).
# ---------------------------------------------------------------------------------------------
#
# Luật Tiếp công dân 2013 Art. 15(2); Law 10/2022/QH15 Art. 32(1); Luật Hòa giải ở cơ sở 2013
# and Decree 15/2014 (legal-spec.md §3.3, §1.e, §3.4). Every row carries its commune key.
# ``raised`` keeps what the visitor brought as text; ``request`` links the request it created.


class ReceptionDay(models.Model):
    """A day on which the commune chair receives citizens (Luật Tiếp công dân Art. 15(2))."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("reception date"))
    host = models.CharField(_("received by"), max_length=200)
    place = models.CharField(_("reception place"), max_length=300)
    # Art. 15(2)(d): reception outside the schedule in urgent cases; it counts as held too.
    ad_hoc = models.BooleanField(_("unscheduled (urgent case)"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        indexes = [models.Index(fields=["commune", "date"], name="reception_day_commune_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.host}"


class ReceptionSlot(models.Model):
    """A bookable time on a reception day. ``booked`` is moved only by a conditional UPDATE
    (``booked < capacity``), so concurrent bookings can never overfill the slot."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.TimeField(_("slot starts at"))
    ends_at = models.TimeField(_("slot ends at"))
    capacity = models.PositiveSmallIntegerField(_("places in the slot"))
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="reception_slot_not_overfull"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="reception_slot_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.date} {self.starts_at:%H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class ReceptionBooking(models.Model):
    """A resident's booking of a slot. One active booking per phone number and day."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(ReceptionSlot, on_delete=models.CASCADE, related_name="bookings")
    code = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20)
    subject = models.CharField(_("what you wish to raise"), max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "phone"],
                condition=Q(cancelled=False),
                name="reception_booking_one_per_day",
            )
        ]

    def __str__(self) -> str:
        return self.code


class ReceptionRecord(models.Model):
    """One visitor received (sổ tiếp công dân): who received them, what was raised, outcome."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("answered on the spot")
        ACCEPTED = "accepted", _("accepted for handling")
        GUIDED = "guided", _("guided to the competent body")
        REFUSED = "refused", _("reception refused (Art. 9)")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="records")
    booking = models.OneToOneField(
        ReceptionBooking, on_delete=models.SET_NULL, null=True, blank=True, related_name="record"
    )
    visitor_name = models.CharField(_("visitor"), max_length=200)
    visitor_contact = models.CharField(_("visitor's address or phone"), max_length=300, blank=True)
    received_by = models.CharField(_("received by"), max_length=200)
    raised = models.TextField(_("what was raised"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    outcome_note = models.TextField(_("outcome details"), blank=True)
    # The request a visit "accepted for handling" created (Luật Tiếp công dân Art. 28).
    request = models.OneToOneField(
        CitizenRequest, on_delete=models.PROTECT, null=True, blank=True,
        related_name="reception_record",
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "id"]

    def __str__(self) -> str:
        return f"{self.day.date} {self.visitor_name}"


class Dialogue(models.Model):
    """A dialogue conference of the commune with its residents (Law 10/2022 Art. 32(1))."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("dialogue date"))
    place = models.CharField(_("dialogue place"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        indexes = [models.Index(fields=["commune", "held_on"], name="dialogue_commune_held")]

    def __str__(self) -> str:
        return self.title


class DialogueQuestion(models.Model):
    """A question gathered before the dialogue; residents support it, the commune answers."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asker_name = models.CharField(_("asked by"), max_length=200)
    # Shown publicly only when the asker chose to be named (their personal data otherwise).
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    supports = models.PositiveIntegerField(default=0)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-supports", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def public_asker(self) -> str:
        return self.asker_name if self.show_name else ""


class QuestionSupport(models.Model):
    """One person's support of a question: one per person (a database constraint)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(
        DialogueQuestion, on_delete=models.CASCADE, related_name="support_rows"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.user_id}"


class DialogueCommitment(models.Model):
    """A commitment the commune made at a dialogue, tracked to completion by its deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("in progress")
        FULFILLED = "fulfilled", _("fulfilled")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="commitments")
    question = models.ForeignKey(
        DialogueQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("commitment"))
    responsible = models.CharField(_("responsible"), max_length=200)
    due_on = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["commune", "status"], name="commitment_commune_status")]

    def __str__(self) -> str:
        return self.text[:60]


class MediationTeam(models.Model):
    """A village's mediation team (tổ hòa giải, Luật Hòa giải ở cơ sở Art. 12)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("team name"), max_length=200)
    recognised_by = models.CharField(_("recognition decision"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["village", "id"]
        verbose_name = _("mediation team")

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    """A mediator of a team; ``user`` when they sign in (role MEDIATOR in the team's village)."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(MediationTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    is_leader = models.BooleanField(_("team leader"), default=False)
    ethnic_minority = models.BooleanField(_("ethnic minority"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["team", "-is_leader", "full_name", "id"]

    def __str__(self) -> str:
        return self.full_name


class MediationCase(models.Model):
    """One case in the logbook (sổ theo dõi hoạt động hòa giải, Art. 21(4)).

    ``parties`` and ``details`` are the parties' private information: confidential (Art. 4(3)),
    read only by the team's village mediators and the commune officials (permission
    ``mediation.case_view``). ``subject`` is a short category, safe for figures.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ASSIGNED = "assigned", _("assigned")
        IN_PROGRESS = "in_progress", _("being mediated")
        SUCCESS = "success", _("mediated successfully")
        STOPPED = "stopped", _("stopped")
        FAILED = "failed", _("failed, referred")

    class Subject(models.TextChoices):
        LAND = "land", _("land and boundaries")
        FAMILY = "family", _("marriage and family")
        NEIGHBOURS = "neighbours", _("neighbours and daily life")
        DEBT = "debt", _("civil obligations and debts")
        OTHER = "other", _("other dispute")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(MediationTeam, on_delete=models.PROTECT, related_name="cases")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("logbook number"))
    year = models.PositiveSmallIntegerField()
    received_on = models.DateField(_("received on"))
    subject = models.CharField(_("kind of dispute"), max_length=20, choices=Subject.choices)
    parties = models.TextField(_("parties"))
    details = models.TextField(_("what the dispute is about"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    mediators = models.ManyToManyField(Mediator, related_name="cases", blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    start_due_on = models.DateField(_("mediation must start by"), null=True, blank=True)
    started_on = models.DateField(_("mediation started on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    agreement = models.TextField(_("written agreement"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=300, blank=True)
    outcome_note = models.TextField(_("outcome details"), blank=True)
    follow_up = models.TextField(_("follow-up of performance"), blank=True)
    agreement_performed = models.BooleanField(_("agreement performed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "number"], name="mediation_case_number_unique"
            )
        ]
        indexes = [models.Index(fields=["commune", "received_on"], name="mediation_commune_recv")]

    def __str__(self) -> str:
        return f"{self.number}/{self.year}"


class MediationSession(models.Model):
    """One mediation session of a case (Art. 21): when, who attended, what happened."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("session date"))
    notes = models.TextField(_("course of the session"))

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"
