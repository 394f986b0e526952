"""Consultations on drafts (Law 10/2022 Art. 25–29; Decree 61/2023 Art. 9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danchu.territory.models import AdministrativeUnit

# ---------------------------------------------------------------------------------------------
# Consultations, draft sections, opinions, synthesis and explanation.
# ---------------------------------------------------------------------------------------------


# PLACEHOLDER (helper K2, only to run the opinion map's tests in its worktree): helper K1 owns
# the real ``Consultation`` model here; at merge keep K1's and drop this class.
class Consultation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        OPEN = "open", _("open for opinions")
        CLOSED = "closed", _("closed, being synthesised")
        ANSWERED = "answered", _("synthesis published")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )

    def __str__(self) -> str:
        return self.title


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
