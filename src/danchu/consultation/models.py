"""Consultations on drafts (Law 10/2022 Art. 25–29; Decree 61/2023 Art. 9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.consultation.rules import Category, Form, Outcome
from danchu.territory.models import AdministrativeUnit, Village

# ---------------------------------------------------------------------------------------------
# Consultations, draft sections, opinions, synthesis and explanation.
# ---------------------------------------------------------------------------------------------


class Consultation(models.Model):
    """Residents' opinions on one draft before the authority decides (Law 10/2022 Art. 25–28).

    Published through the disclosure register (Art. 11(11)): ``disclosure`` is the register item,
    and the synthesis is published as its next version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        OPEN = "open", _("open for opinions")
        CLOSED = "closed", _("closed, being synthesised")
        ANSWERED = "answered", _("synthesis published")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    category = models.PositiveSmallIntegerField(_("subject (Art. 25)"), choices=Category.choices)
    # Decree 61/2023 Art. 9: a hương ước / quy ước draft; its vote follows in the decisions module.
    is_convention = models.BooleanField(_("community convention draft"), default=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    draft_text = models.TextField(_("text of the draft"), blank=True)
    all_villages = models.BooleanField(_("the whole commune"), default=True)
    villages = models.ManyToManyField(Village, related_name="+", blank=True)
    groups_concerned = models.CharField(_("groups concerned"), max_length=300, blank=True)
    forms = models.JSONField(_("forms used"), default=list)
    # Where the commune allows it, a resident without an account comments with a verified phone.
    allow_phone = models.BooleanField(_("opinions with a verified phone"), default=False)
    period_days = models.PositiveSmallIntegerField(_("period in days"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matter = models.ForeignKey(
        "decisions.Matter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    closes_on = models.DateField(_("last day for opinions"), null=True, blank=True)
    synthesis_published_at = models.DateTimeField(_("synthesis published"), null=True, blank=True)
    # Art. 28(4): the decision, and why it departs from the majority when it does.
    decision_reference = models.CharField(
        _("decision after the consultation"), max_length=300, blank=True
    )
    decision_issued_on = models.DateField(_("decision issued on"), null=True, blank=True)
    departs_from_majority = models.BooleanField(_("departs from the majority"), default=False)
    departure_explanation = models.TextField(_("why it departs from the majority"), blank=True)
    search_folded = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["commune", "status"], name="consultation_status")]
        constraints = [
            # Art. 28(4): a decision departing from the majority carries its explanation.
            models.CheckConstraint(
                condition=Q(departs_from_majority=False) | ~Q(departure_explanation=""),
                name="consultation_departure_explained",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A part of the draft (an article, a chapter) residents can comment on."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(_("section heading"), max_length=300)
    body = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="consultation_section_position"
            )
        ]

    def __str__(self) -> str:
        return self.heading


class OpinionGroup(models.Model):
    """Opinions answered together in the synthesis: accepted (the change) or not (why)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="opinion_groups"
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(_("topic of the opinions"), max_length=300)
    outcome = models.CharField(
        _("outcome of the answer"), max_length=15, choices=Outcome.choices, default=Outcome.PENDING
    )
    answer = models.TextField(_("change made or explanation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consultation", "section__position", "id"]
        constraints = [
            # Art. 28(3): an answered group says what changed or why not.
            models.CheckConstraint(
                condition=Q(outcome="pending") | ~Q(answer=""), name="opinion_group_answered"
            ),
        ]

    def __str__(self) -> str:
        return self.topic


class Opinion(models.Model):
    """One resident's opinion, with the reference number they look it up by."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="opinions"
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="opinions"
    )
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    form = models.CharField(_("form"), max_length=15, choices=Form.choices)
    # Paper and meeting opinions: where they came from (e.g. "họp thôn Đông 12/11").
    source = models.CharField(_("source of the opinion"), max_length=300, blank=True)
    body = models.TextField(_("text of the opinion"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("name"), max_length=200, blank=True)
    # A verified phone (hashed as the accounts app does) when the resident has no account.
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        OpinionGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["consultation", "submitted_at", "id"]
        indexes = [models.Index(fields=["consultation", "group"], name="opinion_group")]

    def __str__(self) -> str:
        return self.reference


class AffectedCitizen(models.Model):
    """A citizen named in a draft decision that burdens them (Law 10/2022 Art. 25(8), Art. 27).

    They are told before the decision; their views and the commune's answer stay in the file.
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="affected_citizens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    notified_at = models.DateTimeField(_("citizen notified"), null=True, blank=True)
    views = models.TextField(_("their views"), blank=True)
    representative = models.CharField(_("presented by"), max_length=200, blank=True)
    answer = models.TextField(_("explanation or acceptance"), blank=True)

    class Meta:
        ordering = ["consultation", "name", "id"]

    def __str__(self) -> str:
        return self.name


# (end of consultations)


# ---------------------------------------------------------------------------------------------
# The opinion map: statements, agree/disagree/pass votes, computed maps.
# ---------------------------------------------------------------------------------------------


class Statement(models.Model):
    """A short statement residents agree with, disagree with or pass on (the opinion map).

    Seeded by the commune or proposed by a resident; a resident's statement is shown only once
    an official accepts it. A rejected statement is "moderated out": its votes stay, but it is
    zeroed in the map and never listed as representative or consensus.
    """

    class Origin(models.TextChoices):
        COMMUNE = "commune", _("seeded by the commune")
        RESIDENT = "resident", _("proposed by a resident")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        ACCEPTED = "accepted", _("shown to residents")
        REJECTED = "rejected", _("moderated out")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(_("statement text"), max_length=400)
    origin = models.CharField(_("statement origin"), max_length=10, choices=Origin.choices)
    moderation = models.CharField(
        _("statement moderation"),
        max_length=10,
        choices=Moderation.choices,
        default=Moderation.PENDING,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("map statement")
        verbose_name_plural = _("map statements")
        indexes = [models.Index(fields=["consultation", "moderation"], name="statement_moderation")]

    def __str__(self) -> str:
        return self.text


class StatementVote(models.Model):
    """One participant's agree / disagree / pass on one statement; a changed vote replaces it."""

    class Value(models.IntegerChoices):
        # The map's convention (opinion_map.py): agree +1, disagree −1, pass 0.
        AGREE = 1, _("agree with the statement")
        PASS = 0, _("pass on the statement")
        DISAGREE = -1, _("disagree with the statement")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statement_votes"
    )
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    value = models.SmallIntegerField(_("vote on the statement"), choices=Value.choices)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # A changed vote counts once: one row per participant and statement.
            models.UniqueConstraint(
                fields=["statement", "participant"], name="statement_vote_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="statement_vote_value"
            ),
        ]
        indexes = [models.Index(fields=["consultation", "id"], name="statement_vote_order")]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class OpinionMap(models.Model):
    """The last computed map of a consultation and the state the next recompute continues from.

    Pages and the API read this row; they never recompute. ``participant_ids`` and
    ``statement_ids`` fix each participant's and statement's index in the algorithm, so the
    indexes stay stable as participants and statements are added.
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="opinion_map"
    )
    state = models.BinaryField(default=bytes)
    participant_ids = models.JSONField(default=list)
    statement_ids = models.JSONField(default=list)
    result = models.JSONField(default=dict)  # groups, statements, consensus, picture points
    votes_counted = models.PositiveIntegerField(default=0)
    votes_since = models.PositiveIntegerField(default=0)  # votes cast since the last compute
    queued = models.BooleanField(default=False)  # a recompute is waiting: enqueue no other
    computed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.votes_counted}"
