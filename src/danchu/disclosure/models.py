"""The disclosure register (công khai thông tin): Law 10/2022/QH15 Art. 11–14.

A :class:`Disclosure` is one item the commune must publicise. Its content lives in numbered
:class:`DisclosureVersion` rows: once a version is published it is never edited — a change makes
the next version, which restarts the duty to publish (Art. 14), and the old one stays readable.
:class:`PublishingRecord` rows prove each act of publishing (which channel, where, from when to
when, who did it, with a photo or a log as proof). :class:`InformationRequest` is a resident's
request for information that is not or no longer posted (Art. 14).

Every row carries its commune key (``commune``) for sharding (docs/scaling.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.disclosure.rules import Category, Channel
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "Attachment",
    "Disclosure",
    "DisclosureVersion",
    "InformationRequest",
    "PublishingRecord",
    "VersionVillage",
]


class Disclosure(models.Model):
    """One item of the commune's publicity register; its content is in its versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="disclosures"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The newest version (it may be a draft of a change) …
    current_version = models.ForeignKey(
        "DisclosureVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # … and the newest published one, which the public reads until the change is published.
    public_version = models.ForeignKey(
        "DisclosureVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied from the shown version (the public one, or the draft before the first publication)
    # so that the lists filter and sort on one table.
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    search_folded = models.TextField(editable=False, default="")
    all_villages = models.BooleanField(_("the whole commune"), default=True)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        constraints = [
            # A published disclosure always has a published version to show: the public
            # list filters on ``status`` alone, which its index answers.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(public_version__isnull=False),
                name="disclosure_published_has_version",
            ),
        ]
        indexes = [
            # The public list: one commune's published items, newest first.
            models.Index(fields=["commune", "status", "-published_at"], name="disclosure_public"),
            models.Index(fields=["commune", "category"], name="disclosure_category"),
        ]

    def __str__(self) -> str:
        version = self.public_version or self.current_version
        return version.title if version is not None else f"#{self.pk}"

    @property
    def has_pending_change(self) -> bool:
        """A new version is drafted but not yet published."""
        return self.public_version_id is not None and (
            self.public_version_id != self.current_version_id
        )


class DisclosureVersion(models.Model):
    """What was (or will be) published, frozen once published."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("content"), blank=True)
    source_document = models.CharField(
        _("source document"),
        max_length=300,
        help_text=_("The decision or document published, e.g. Quyết định số 12/QĐ-UBND."),
    )
    source_issued_on = models.DateField(_("issue date of the source document"))
    # Art. 12(3): a sector law may set its own timing; then its deadline replaces the 5 WD.
    sector_rule = models.CharField(_("sector rule on timing"), max_length=300, blank=True)
    sector_deadline = models.DateField(_("deadline under the sector rule"), null=True, blank=True)
    # The day the duty to publish this version started: the source document's issue date for
    # the first version, the day of the change (or a later issue date) for the next ones.
    duty_starts_on = models.DateField(_("duty starts"))
    deadline = models.DateField(_("publish by"))
    all_villages = models.BooleanField(_("the whole commune"), default=True)
    villages = models.ManyToManyField(Village, through="VersionVillage", related_name="+")
    change_note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["disclosure", "number"]
        verbose_name = _("disclosure version")
        verbose_name_plural = _("disclosure versions")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "disclosure", "number"], name="disclosure_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("duty_starts_on")),
                name="disclosure_version_deadline_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_frozen(self) -> bool:
        return self.published_at is not None


class VersionVillage(models.Model):
    """A village in a version's scope (when the version is not for the whole commune)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        DisclosureVersion, on_delete=models.CASCADE, related_name="scope_rows"
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "version", "village"], name="disclosure_version_village"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id} → {self.village_id}"


class Attachment(models.Model):
    """A stored file: a document attached to a version, or the proof of a publishing record.

    Files live outside the web root (``DANCHU_DATA_DIR/uploads/disclosure/``) under a random
    name and are served only through a view that checks permissions.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        PROOF = "proof", _("proof")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    version = models.ForeignKey(
        DisclosureVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    record = models.ForeignKey(
        "PublishingRecord",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proofs",
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    # Relative to the uploads directory; several versions may share one stored file.
    path = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            # A document belongs to a version, a proof to a record: never both, never neither.
            models.CheckConstraint(
                condition=(
                    Q(kind="document", version__isnull=False, record__isnull=True)
                    | Q(kind="proof", version__isnull=True, record__isnull=False)
                ),
                name="attachment_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PublishingRecord(models.Model):
    """One act of publishing a version on one channel, at one place, from one date to another."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(DisclosureVersion, on_delete=models.PROTECT, related_name="records")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    performed_by = models.CharField(_("done by"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "channel", "village", "started_on", "id"]
        verbose_name = _("publishing record")
        verbose_name_plural = _("publishing records")
        indexes = [models.Index(fields=["commune", "version"], name="record_commune_version")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="record_end_after_start",
            ),
            # Village channels name their village; commune channels do not.
            models.CheckConstraint(
                condition=(
                    Q(channel__in=["village_point", "village_head"], village__isnull=False)
                    | (~Q(channel__in=["village_point", "village_head"]) & Q(village__isnull=True))
                ),
                name="record_village_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.started_on}"


class InformationRequest(models.Model):
    """A resident's request for information not (or no longer) posted — Law 10/2022 Art. 14."""

    class Reason(models.TextChoices):
        NOT_YET = "not_yet", _("It should be published but is not yet")
        EXPIRED = "expired", _("Its publication period has ended")
        NO_ACCESS = "no_access", _("I could not see it for reasons beyond my control")

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ANSWERED = "answered", _("answered")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="information_requests"
    )
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    subject = models.CharField(_("subject"), max_length=300)
    message = models.TextField(_("what you ask for"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    due_on = models.DateField(_("answer due by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes = [
            models.Index(fields=["commune", "status", "due_on"], name="info_request_due"),
        ]

    def __str__(self) -> str:
        return self.subject
