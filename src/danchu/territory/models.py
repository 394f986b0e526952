"""Territory: administrative units, villages, households and residents (đơn vị hành chính, thôn/tổ
dân phố, hộ gia đình, nhân khẩu).

Every row that belongs to a commune carries ``commune`` (the commune key) and its uniqueness
constraints include it, so the tables can be sharded by commune (docs/scaling.md).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.core.crypto import EncryptedTextField, mask_citizen_id, mask_phone

__all__ = [
    "REORGANISATION_DATE",
    "AdministrativeUnit",
    "CommuneProfile",
    "Household",
    "HouseholdImport",
    "HouseholdVillagePeriod",
    "Resident",
    "UnitSuccession",
    "Village",
]

# Resolution 202/2025/QH15 and the Standing Committee's resolutions: two-tier local government
# from 1 July 2025 (legal-spec §4). Units before that date are kept as history.
REORGANISATION_DATE = date(2025, 7, 1)


class AdministrativeUnit(models.Model):
    """An official administrative unit: province, (former) district or commune-level unit.

    ``era`` separates the 2025 list (34 provinces, 3,321 xã/phường/đặc khu) from the former
    units (63 provinces, 696 districts, 10,051 communes) because their codes overlap.
    """

    class Era(models.TextChoices):
        CURRENT = "2025", _("from 1 July 2025")
        FORMER = "former", _("before 1 July 2025")

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        COMMUNE = "commune", _("commune")

    era = models.CharField(_("era"), max_length=10, choices=Era.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    # The unit's type as the official list names it: "Xã", "Phường", "Đặc khu", "Tỉnh", …
    unit_type = models.CharField(_("type"), max_length=50, blank=True)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["era", "level", "code"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="unit_unique_code"),
        ]
        indexes = [models.Index(fields=["era", "level", "parent"], name="unit_era_level_parent")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.era == self.Era.CURRENT


class UnitSuccession(models.Model):
    """A former unit that became (wholly or partly) part of a 2025 unit (sáp nhập)."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessions"
    )
    effective = models.DateField(_("effective"), default=REORGANISATION_DATE)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"


class CommuneProfile(models.Model):
    """What a commune using danchu says about itself: contacts and its security choices."""

    commune = models.OneToOneField(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="profile",
        limit_choices_to={"level": "commune", "era": "2025"},
    )
    address = models.CharField(_("office address"), max_length=300, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    email = models.EmailField(_("office e-mail"), blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    require_official_otp = models.BooleanField(
        _("officials must use a one-time password"), default=False
    )
    # Law 10/2022 Art. 13(3): publicity on the loudspeaker system "if the commune has one".
    has_loudspeaker = models.BooleanField(_("the commune has a loudspeaker system"), default=True)

    class Meta:
        verbose_name = _("commune profile")
        verbose_name_plural = _("commune profiles")

    def __str__(self) -> str:
        return str(self.commune)


class Village(models.Model):
    """A residential community: thôn (làng, ấp, bản, buôn, bon, phum, sóc) or tổ dân phố (khu
    phố, khối phố, khóm, tiểu khu) — Law 10/2022 Art. 2(3). Renamed or merged, never deleted.
    """

    class Kind(models.TextChoices):
        THON = "thon", _("village (thôn)")
        LANG = "lang", _("village (làng)")
        AP = "ap", _("hamlet (ấp)")
        BAN = "ban", _("hamlet (bản)")
        BUON = "buon", _("hamlet (buôn)")
        BON = "bon", _("hamlet (bon)")
        PHUM = "phum", _("hamlet (phum)")
        SOC = "soc", _("hamlet (sóc)")
        TO_DAN_PHO = "to_dan_pho", _("residential group (tổ dân phố)")
        KHU_PHO = "khu_pho", _("quarter (khu phố)")
        KHOI_PHO = "khoi_pho", _("quarter (khối phố)")
        KHOM = "khom", _("quarter (khóm)")
        TIEU_KHU = "tieu_khu", _("sub-area (tiểu khu)")

    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="villages"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.THON)
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commune", "name"]
        verbose_name = _("village or residential group")
        verbose_name_plural = _("villages and residential groups")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="village_unique_code"),
            models.UniqueConstraint(
                fields=["commune", "name_folded"],
                condition=Q(is_active=True),
                name="village_unique_active_name",
            ),
        ]
        indexes = [models.Index(fields=["commune", "name_folded"], name="village_commune_name")]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A household (hộ gia đình) living in a village; exactly one representative among its
    residents (đại diện hộ gia đình, Law 10/2022 Art. 18(2)).
    """

    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="households"
    )
    code = models.CharField(_("household code"), max_length=30)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="households")
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_folded = models.CharField(max_length=300, editable=False, blank=True)
    representative_name_folded = models.CharField(max_length=200, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["commune", "code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_unique_code"),
        ]
        indexes = [
            models.Index(fields=["commune", "village", "code"], name="household_village_code"),
        ]

    def __str__(self) -> str:
        return self.code


class HouseholdVillagePeriod(models.Model):
    """Where a household lived and when: moving to another village closes one period and opens
    the next, so past decisions keep counting it in the village it belonged to then.
    """

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="periods")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="household_periods")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["household", "start"]
        verbose_name = _("household residence period")
        verbose_name_plural = _("household residence periods")
        constraints = [
            # At most one open period per household.
            models.UniqueConstraint(
                fields=["commune", "household"],
                condition=Q(end__isnull=True),
                name="period_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.village_id} {self.start}–{self.end or ''}"


class Resident(models.Model):
    """A person living in a household (nhân khẩu). Citizen ID and phone are encrypted at rest;
    their blind indexes serve look-ups and uniqueness.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="residents"
    )
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    citizen_id = EncryptedTextField(_("citizen ID (CCCD)"), blank=True)
    citizen_id_index = models.CharField(max_length=64, blank=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    is_representative = models.BooleanField(_("household representative"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["commune", "household", "-is_representative", "id"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            # Law 10/2022 Art. 18(2): one representative per household; the services add the
            # "at least one" half in the same transaction.
            models.UniqueConstraint(
                fields=["commune", "household"],
                condition=Q(is_representative=True),
                name="resident_one_representative",
            ),
            models.UniqueConstraint(
                fields=["commune", "citizen_id_index"],
                condition=~Q(citizen_id_index=""),
                name="resident_unique_citizen_id",
            ),
        ]
        indexes = [models.Index(fields=["commune", "name_folded"], name="resident_commune_name")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def citizen_id_masked(self) -> str:
        return mask_citizen_id(self.citizen_id)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class HouseholdImport(models.Model):
    """One upload of the household file: its validation result and progress (for the web)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("importing")
        FAILED = "failed", _("refused: errors in the file")
        DONE = "done", _("imported")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("household import")
        verbose_name_plural = _("household imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0
