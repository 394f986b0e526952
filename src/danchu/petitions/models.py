"""Citizens' requests and what the commune owes them (Law 10/2022 Art. 32–35)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
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
