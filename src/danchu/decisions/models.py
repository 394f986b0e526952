"""Community decisions (dân bàn và quyết định): Law 10/2022/QH15 Art. 15–24, Decree 59/2023.

A :class:`Matter` is put to the households of one village or of every village of the commune.
Each village decides on its own (:class:`MatterVillage`): by a meeting (attendance and counts),
a ballot to each household (:class:`Ballot`, entered twice by two people) or an online vote.
Whatever the channel, a household has at most one :class:`Vote` per matter — a database
constraint — and the village's outcome is counted against its total households, frozen when
the matter opens. Citizens may propose a matter (:class:`Initiative`) with households'
consents, each valid for three months.

Every row carries its commune key (``commune``) for sharding (docs/scaling.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import AdministrativeUnit, Household, Village

__all__ = [
    "Ballot",
    "BallotApproval",
    "ClusterPlan",
    "Consent",
    "EligibleHousehold",
    "DismissalPetition",
    "DismissalSignature",
    "ElectionCandidate",
    "ElectionPlan",
    "Initiative",
    "InnerBallot",
    "Matter",
    "MatterVillage",
    "MeetingAttendance",
    "MeetingSession",
    "OnlineOptIn",
    "Option",
    "SecretApproval",
    "SecretChoice",
    "SessionHousehold",
    "VillageHeadTerm",
    "Vote",
    "VoteConflict",
]


class Matter(models.Model):
    """A matter the community decides (Art. 15), for one village or commune-wide."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter_type = models.PositiveSmallIntegerField(_("type (Art. 15)"), choices=MatterType.choices)
    commune_wide = models.BooleanField(_("commune-wide"), default=False)
    title = models.CharField(_("title"), max_length=300)
    question = models.TextField(_("question"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    initiative = models.OneToOneField(
        "Initiative", on_delete=models.PROTECT, null=True, blank=True, related_name="matter"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # SHA-256 of the closed tally (also written to the audit trail): anyone can recompute it.
    result_hash = models.CharField(max_length=64, blank=True)
    # Secret ballot (Law 10/2022 Art. 18(4)(d)): who took part is recorded, not what each
    # household chose; the choices are published on a bulletin by tracking-code digest.
    secret = models.BooleanField(_("secret ballot"), default=False)
    # SHA-256 of the bulletin at closing (secret ballots): sealed in the audit trail.
    bulletin_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        indexes = [models.Index(fields=["commune", "status"], name="matter_commune_status")]

    def __str__(self) -> str:
        return self.title


class Option(models.Model):
    """One answer: approve, reject or another opinion (Decree 59 Art. 5(2)(d)), or a candidate."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("agree")
        REJECT = "reject", _("disagree")
        OTHER = "other", _("other opinion")
        CANDIDATE = "candidate", _("candidate")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["matter", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter", "position"], name="option_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def counts_as_approval(self) -> bool:
        return self.kind in (self.Kind.APPROVE, self.Kind.CANDIDATE)


class MatterVillage(models.Model):
    """The matter in one village: its form, its frozen denominator and its result."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        COUNTED = "counted", _("counted")

    class Recognition(models.TextChoices):
        NOT_NEEDED = "not_needed", _("in force from the vote")  # Art. 21(2): clauses 1, 2, 6
        PENDING = "pending", _("awaiting recognition")
        RECOGNISED = "recognised", _("recognised")
        REFUSED = "refused", _("refused in writing")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="villages")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    # Law 10/2022 Art. 21(1): the denominator is all households of the village, fixed when the
    # matter opens so that a household moving in later changes nothing.
    total_households = models.PositiveIntegerField(_("households of the village"))
    # True once the eligible households were snapshot at opening (:class:`EligibleHousehold`):
    # who may vote is then the snapshot, not the household's village today.
    eligibility_frozen = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    notice_on = models.DateField(_("notice given on"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    # Meetings: how many household representatives attended (also the attendance rows).
    present = models.PositiveIntegerField(_("households present"), default=0)
    # Show of hands: counts per option entered by the chair, {option id: count}.
    hand_counts = models.JSONField(default=dict, blank=True)
    team = models.JSONField(_("team members"), default=list, blank=True)
    witnesses = models.JSONField(_("witnesses"), default=list, blank=True)
    adopted = models.BooleanField(null=True)
    # Law 10/2022 Art. 20(3), 21(2): the decision goes to the commune People's Committee and the
    # Fatherland Front within 5 working days; recognition (or a written refusal) within 5 more.
    decision_sent_on = models.DateField(_("decision sent on"), null=True, blank=True)
    recognition = models.CharField(
        _("recognition"), max_length=12, choices=Recognition.choices, blank=True
    )
    recognition_on = models.DateField(_("recognised or refused on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reasons for refusal"), blank=True)
    # Decree 59/2023 Art. 3(5): how many of those present approved the counting committee;
    # checked again when the matter closes (more than half of those present).
    team_approved_by = models.PositiveIntegerField(
        _("households approving the counting committee"), null=True, blank=True
    )

    class Meta:
        ordering = ["matter", "village"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter", "village"], name="matter_village_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} @ {self.village_id}"


class MeetingAttendance(models.Model):
    """A household represented at the meeting (per household: the attendance sheet)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.CASCADE, related_name="attendance"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter_village", "household"], name="attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_village_id}: {self.household_id}"


class OnlineOptIn(models.Model):
    """A household's answer to "shall we vote online?" (Decree 59/2023 Art. 5(2)(c))."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.CASCADE, related_name="opt_ins"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter_village", "household"], name="opt_in_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.agrees}"


class Ballot(models.Model):
    """A paper ballot to one household (Law Art. 19; Decree 59 Art. 4): issued, delivered,
    returned, then entered by one person and verified by another (double entry)."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("issued")
        DELIVERED = "delivered", _("delivered")
        RETURNED = "returned", _("returned")
        COUNTED = "counted", _("counted")
        BLANK = "blank", _("blank")
        SPOILED = "spoiled", _("spoiled")
        MISMATCH = "mismatch", _("entries differ")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.CASCADE, related_name="ballots"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(_("serial"), max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    # The two entries: an option id, "blank" or "spoiled" (a board election with several seats:
    # the approved candidates' ids, sorted, comma-separated); and who made them.
    first_entry = models.CharField(max_length=200, blank=True)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    second_entry = models.CharField(max_length=200, blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["matter_village", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "serial"], name="ballot_unique_serial"),
            models.UniqueConstraint(
                fields=["commune", "matter_village", "household"], name="ballot_one_per_household"
            ),
        ]

    def __str__(self) -> str:
        return self.serial


class Vote(models.Model):
    """One household's vote on one matter, from whichever channel.

    Law 10/2022 Art. 18(2), 19(3): one vote per household. The unique constraint holds it even
    under concurrent submissions; a second channel's vote is refused and shown as a conflict.
    """

    class Channel(models.TextChoices):
        MEETING = "meeting", _("meeting")
        BALLOT = "ballot", _("paper ballot")
        ONLINE = "online", _("online")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="votes")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.PROTECT, related_name="votes"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    # Empty in a secret ballot: the row records participation only; the choice is a
    # :class:`SecretChoice` that no row links to the household.
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="votes"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    other_opinion = models.CharField(_("other opinion"), max_length=1000, blank=True)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    # A secret ballot's tracking code, set on the instance returned to the voter when the
    # choice is first stored: shown once, never saved (only its digest is, on the choice).
    tracking_code = ""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter", "household"], name="vote_one_per_household"
            )
        ]
        indexes = [
            # The tally's GROUP BY reads this index alone, whatever the number of matters.
            models.Index(fields=["matter", "matter_village", "option"], name="vote_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.option_id}"


class BallotApproval(models.Model):
    """One candidate approved by a household's vote in a board election with several seats.

    Law 10/2022 Art. 15(5), 21(1): each household may approve up to ``ElectionPlan.seats``
    candidates. The household still has one :class:`Vote` (its participation, the one-vote
    constraint; ``option`` empty); each approved candidate is a row here, counted by the tally.
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="+")
    matter_village = models.ForeignKey(MatterVillage, on_delete=models.PROTECT, related_name="+")
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="approvals")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "option"], name="approval_once_per_vote")
        ]
        indexes = [
            models.Index(fields=["matter", "matter_village", "option"], name="approval_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id} → {self.option_id}"


class SecretChoice(models.Model):
    """One counted choice of a secret ballot, not linked to any household.

    It carries no household, no user and no time, and its key is random (not in insertion
    order), so neither a row nor its neighbours tell whose choice it is. The household knows
    its tracking code; only the code's digest is stored, and published on the bulletin with
    the choice, so the household can check its ballot is counted and anyone can recount.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="secret_choices")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.PROTECT, related_name="secret_choices"
    )
    # Empty for a secret paper ballot of a board election with several seats: its approved
    # candidates are :class:`SecretApproval` rows (as a :class:`Vote` has its
    # :class:`BallotApproval` rows).
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    other_opinion = models.CharField(_("other opinion"), max_length=1000, blank=True)
    # SHA-256 of the tracking code (see ``services.tracking_digest``).
    tracking_digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter", "tracking_digest"], name="secret_choice_unique_code"
            )
        ]
        indexes = [
            models.Index(fields=["matter", "matter_village", "option"], name="secret_choice_tally"),
        ]

    def __str__(self) -> str:
        return self.tracking_digest[:12]


class SecretApproval(models.Model):
    """One candidate approved on a secret paper ballot of a board election with several seats.

    Law 10/2022 Art. 15(5), 18(4)(d), 21(1): the counted inner ballot is one
    :class:`SecretChoice` (its bulletin line, ``option`` empty); each candidate it approves is a
    row here, counted by the tally. Like the choice it has no household, no user, no time and a
    random key: only the choice, which the bulletin publishes by digest anyway.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="+")
    matter_village = models.ForeignKey(MatterVillage, on_delete=models.PROTECT, related_name="+")
    choice = models.ForeignKey(SecretChoice, on_delete=models.CASCADE, related_name="approvals")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["choice", "option"], name="secret_approval_once")
        ]
        indexes = [
            models.Index(
                fields=["matter", "matter_village", "option"], name="secret_approval_tally"
            ),
        ]

    def __str__(self) -> str:
        return str(self.option_id)


class InnerBallot(models.Model):
    """The inner ballot of a secret household paper ballot (double envelope), not linked to any
    household.

    Law 10/2022 Art. 18(4)(d), 19: the outer envelope is the household's :class:`Ballot` (its
    serial records the return and the household's participation); the inner ballot inside it
    carries a pre-printed tracking code and is entered by the counting committee with double
    entry, without the envelope. Inner ballots are printed as a separate batch in code order
    and slipped into the envelopes at random, so no row says which household got which code:
    no household, a random key, and the code's digest published on the bulletin.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="inner_ballots")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.PROTECT, related_name="inner_ballots"
    )
    # Printed on the inner ballot (and as its QR code); the bulletin shows only its digest.
    code = models.CharField(max_length=20)
    tracking_digest = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=Ballot.Status.choices, default=Ballot.Status.ISSUED
    )
    # As on :class:`Ballot`: an option id, "blank" or "spoiled", or (several seats) the
    # approved candidates' ids, sorted, comma-separated.
    first_entry = models.CharField(max_length=200, blank=True)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    second_entry = models.CharField(max_length=200, blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter", "tracking_digest"], name="inner_ballot_unique_code"
            )
        ]
        indexes = [
            models.Index(fields=["matter_village", "status"], name="inner_ballot_status"),
        ]

    def __str__(self) -> str:
        return self.tracking_digest[:12]


class EligibleHousehold(models.Model):
    """A household that decides the matter in this village, snapshot when the matter opens.

    Law 10/2022 Art. 21(1): the denominator is the village's households; fixed at opening so
    that a household moving to another village mid-vote neither votes twice nor changes
    either village's denominator.
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.CASCADE, related_name="eligible"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter", "household"], name="eligible_once_per_matter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_village_id}: {self.household_id}"


class VoteConflict(models.Model):
    """A second vote for a household that already voted through another channel: kept for the
    counting committee to resolve, never silently dropped."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="conflicts")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Vote.Channel.choices)
    # Empty in a secret ballot (the household's choice is never linked to it).
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ballot = models.ForeignKey(Ballot, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.household_id}"


class Initiative(models.Model):
    """A resident's proposal of an Art. 15 matter (Law 10/2022 Art. 16(3))."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("collecting consent")
        REACHED = "reached", _("reached 10% of households")
        # Art. 16(3): below 10%, the village Front working committee may still let it go on.
        FRONT_APPROVED = "front_approved", _("approved by the Front working committee")
        WITHDRAWN = "withdrawn", _("withdrawn")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    matter_type = models.PositiveSmallIntegerField(_("type (Art. 15)"), choices=MatterType.choices)
    title = models.CharField(_("title"), max_length=300)
    proposal = models.TextField(_("proposal"))
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COLLECTING)
    created_at = models.DateTimeField(auto_now_add=True)
    reached_at = models.DateTimeField(null=True, blank=True)
    front_note = models.TextField(_("the Front's reason"), blank=True)
    front_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def may_go_to_community(self) -> bool:
        return self.status in (self.Status.REACHED, self.Status.FRONT_APPROVED)


class Consent(models.Model):
    """A household's consent to an initiative, valid for 3 months (Art. 16(3))."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="consents")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField()
    valid_until = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "initiative", "household"], name="consent_one_per_household"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("given_on")), name="consent_valid_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.household_id}"


# --- village-head elections and dismissal (Decree 59/2023 Art. 6–9) -------------------------


class DismissalPetition(models.Model):
    """What brings the dismissal of a village head to the community — Decree 59/2023 Art. 9(1):
    the head's own written request, the proposal of the head of the village Front working
    committee, or the petition of at least half of all households (:class:`DismissalSignature`).
    """

    class Route(models.TextChoices):
        OWN_REQUEST = "own_request", _("the village head's own written request")
        FRONT_PROPOSAL = "front_proposal", _("proposal of the village Front committee head")
        HOUSEHOLDS = "households", _("petition of at least half of all households")

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("collecting signatures")
        MATTER_OPENED = "matter_opened", _("put to the community")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    head_name = models.CharField(_("village head concerned"), max_length=200)
    reason = models.TextField(_("reason for dismissal"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COLLECTING)
    matter = models.OneToOneField(
        Matter, on_delete=models.PROTECT, null=True, blank=True, related_name="dismissal_petition"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.village_id}: {self.head_name}"


class DismissalSignature(models.Model):
    """A household signing a dismissal petition (one signature per household)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    petition = models.ForeignKey(
        DismissalPetition, on_delete=models.CASCADE, related_name="signatures"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "petition", "household"], name="dismissal_one_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.household_id}"


class ElectionPlan(models.Model):
    """The preparation of an election in one village (Decree 59/2023 Art. 6): the commune
    chair's decision and plan, the Front's official candidate list, the election team and the
    public notice, each dated; and the number of seats (a board elects several members)."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter_village = models.OneToOneField(
        MatterVillage, on_delete=models.CASCADE, related_name="election_plan"
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    election_day = models.DateField(_("election day"), null=True, blank=True)
    plan_on = models.DateField(_("election plan issued on"), null=True, blank=True)
    candidates_on = models.DateField(_("candidate list fixed on"), null=True, blank=True)
    team_on = models.DateField(_("election team set up on"), null=True, blank=True)
    # The election team's members; the first is its leader, a village Front representative.
    team = models.JSONField(_("election team"), default=list, blank=True)
    notice_on = models.DateField(_("election announced on"), null=True, blank=True)
    # A re-election repeats a matter that elected nobody (Decree 59/2023 Art. 3(5)(d), 8), or
    # follows a dismissal (Art. 9(3): within 60 days).
    reelection_of = models.OneToOneField(
        Matter, on_delete=models.PROTECT, null=True, blank=True, related_name="reelection_plan"
    )
    after_dismissal = models.OneToOneField(
        DismissalPetition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="election_plan_seats")
        ]

    def __str__(self) -> str:
        return f"{self.matter_village_id}: {self.election_day}"


class ElectionCandidate(models.Model):
    """A candidate and who nominated them: the village Front working committee's official list
    (Decree 59/2023 Art. 6), or households at the meeting, or themselves (Art. 3(5)(b))."""

    class Source(models.TextChoices):
        FRONT_LIST = "front_list", _("official list of the village Front committee")
        HOUSEHOLDS = "households", _("nominated by households at the meeting")
        SELF = "self", _("self-nominated at the meeting")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(ElectionPlan, on_delete=models.CASCADE, related_name="candidates")
    option = models.OneToOneField(Option, on_delete=models.CASCADE, related_name="candidacy")
    source = models.CharField(_("nominated by"), max_length=20, choices=Source.choices)
    added_on = models.DateField()

    class Meta:
        ordering = ["option__position"]

    def __str__(self) -> str:
        return str(self.option_id)


class ClusterPlan(models.Model):
    """A village's meeting held by residential cluster (cụm dân cư) in several sessions.

    Law 10/2022 Art. 18(3): a village of 200 households or more, or whose households live far
    apart, may meet by cluster; the village head adds the results up. Decree 59/2023 Art. 3(6):
    the plan needs the commune People's Committee's approval (``approved_on``).
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter_village = models.OneToOneField(
        MatterVillage, on_delete=models.CASCADE, related_name="cluster_plan"
    )
    dispersed = models.BooleanField(_("households live far apart"), default=False)
    approved_on = models.DateField(_("approved by the commune on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.matter_village_id}: clusters"


class MeetingSession(models.Model):
    """One cluster's session of the meeting: its households, attendance and counts."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(ClusterPlan, on_delete=models.CASCADE, related_name="sessions")
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.CASCADE, related_name="sessions"
    )
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("residential cluster"), max_length=200)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # Counts per option entered for this session, {option id: count}; empty until counted.
    hand_counts = models.JSONField(default=dict, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["matter_village", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter_village", "position"], name="session_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SessionHousehold(models.Model):
    """A household's cluster: each household of the village meets in exactly one session."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    matter_village = models.ForeignKey(MatterVillage, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(MeetingSession, on_delete=models.CASCADE, related_name="members")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "matter_village", "household"], name="session_one_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.household_id}"


class VillageHeadTerm(models.Model):
    """A holding of the office of village head (nhiệm kỳ trưởng thôn / tổ trưởng tổ dân phố).

    Decree 59/2023 Art. 8: the elected head takes office on the commune's recognition; Art. 9:
    a recognised dismissal ends the office and the UBND xã appoints an interim head until the
    new election (within 60 days). The term's length is not in the law (legal-spec §1.f): it is
    a setting (:mod:`danchu.decisions.office`). A village has at most one open term
    (``ended_on`` empty): a database constraint.
    """

    class Kind(models.TextChoices):
        ELECTED = "elected", _("elected")
        INTERIM = "interim", _("interim")

    class EndReason(models.TextChoices):
        TERM_ENDED = "term_ended", _("term ended")
        DISMISSED = "dismissed", _("dismissed")
        RESIGNED = "resigned", _("resigned")
        REPLACED = "replaced", _("replaced by the elected head")

    class Source(models.TextChoices):
        # Started by a recognition or an appointment recorded in danchu, or entered afterwards:
        # the head already in office when the commune started using danchu (back-filled).
        PLATFORM = "platform", _("recorded in danchu")
        BEFORE_PLATFORM = "before_platform", _("in office before danchu")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("full name"), max_length=200)
    # The elected candidate (an election's option), or the resident appointed / linked.
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resident = models.ForeignKey(
        "territory.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The decision it comes from: the recognised election, or the recognised dismissal an
    # interim head follows.
    matter_village = models.ForeignKey(
        MatterVillage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The village-head role granted with the office to the person's account, if any.
    role_assignment = models.ForeignKey(
        "accounts.RoleAssignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.PLATFORM
    )
    # The reference of the UBND xã's decision (recognition or appointment) as written on it,
    # e.g. "Quyết định số 12/QĐ-UBND ngày 05/01/2024": back-filled terms have no matter here.
    reference = models.CharField(_("decision reference"), max_length=300, blank=True)
    started_on = models.DateField(_("in office from"))
    planned_end_on = models.DateField(_("planned end of term"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=12, choices=EndReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["village", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "village"],
                condition=Q(ended_on__isnull=True),
                name="village_head_one_open_term",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=models.F("started_on")),
                name="village_head_term_dates",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__gte=models.F("started_on")) & ~Q(end_reason="")),
                name="village_head_term_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id}: {self.name} ({self.kind})"
