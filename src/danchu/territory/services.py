"""Writes on villages, households and residents.

Every function: keyword-only arguments with ``actor`` first, one transaction, one audit entry
per change (never citizen IDs or phones in it), and :class:`ValidationFailed` with translated,
field-level messages for bad input. A person acting (``actor`` not ``None``; ``None`` is the
command line or the system) is checked against ``danchu.accounts.permissions`` here too, so a
task or export that forgets the check cannot write outside the actor's unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.crypto import blind_index
from danchu.core.errors import ValidationFailed
from danchu.core.text import fold_vi, normalize_spaces
from danchu.core.vn import citizen_id_problem, normalise_citizen_id, normalise_phone
from danchu.territory.models import (
    AdministrativeUnit,
    CommuneProfile,
    Household,
    HouseholdVillagePeriod,
    Resident,
    Village,
)

__all__ = [
    "MemberData",
    "clean_citizen_id",
    "clean_phone",
    "commune_profile_update",
    "household_create",
    "household_move",
    "representative_set",
    "resident_add",
    "village_create",
    "village_merge",
    "village_update",
]

_CODE_RE = re.compile(r"^[0-9A-Za-z._-]+$")
PROFILE_FIELDS = (
    "address", "phone", "email", "introduction", "require_official_otp", "has_loudspeaker",
)  # fmt: skip


def _fail(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _fail_many(errors: dict[str, list[str]]) -> ValidationFailed:
    first = next(iter(errors.values()))[0]
    return ValidationFailed(first, code="invalid", fields=errors)


def _authorize(actor: Any, action: Action, obj: Any) -> None:
    """Another commune's object → NotFound; own commune without the role → PermissionDenied."""
    if actor is not None:
        require(actor, action, obj)


# --- validation helpers ---------------------------------------------------------------------


def _require_commune(commune: AdministrativeUnit) -> None:
    if commune.level != AdministrativeUnit.Level.COMMUNE or not commune.is_current:
        raise _fail("commune", _("Choose a commune from the 2025 list."))


def _clean_name(name: str | None, field: str = "name", max_length: int = 200) -> str:
    name = normalize_spaces(name)
    if not name:
        raise _fail(field, _("This field is required."), "required")
    if len(name) > max_length:
        raise _fail(
            field,
            _("Use at most %(max)d characters.") % {"max": max_length},
            "too_long",
        )
    return name


def _clean_kind(kind: str | None) -> str:
    if kind not in Village.Kind.values:
        raise _fail("kind", _("Choose a valid kind of village or residential group."))
    return str(kind)


def _check_unique_village_name(
    commune: AdministrativeUnit, folded: str, exclude: int | None
) -> None:
    clash = Village.objects.filter(commune=commune, is_active=True, name_folded=folded)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise _fail(
            "name", _("This commune already has an active village with this name."), "duplicate"
        )


def _next_village_code(commune: AdministrativeUnit) -> str:
    taken = set(Village.objects.filter(commune=commune).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{n:02d}" in taken:
        n += 1
    return f"{n:02d}"


def _clean_code(value: str | None, field: str = "code", max_length: int = 20) -> str:
    code = (value or "").strip()
    if not code:
        raise _fail(field, _("This field is required."), "required")
    if len(code) > max_length or not _CODE_RE.match(code):
        raise _fail(
            field,
            _("Use at most %(max)d letters, digits, dots, dashes or underscores.")
            % {"max": max_length},
        )
    return code


def _check_village_usable(village: Village, commune_id: int, field: str = "village") -> None:
    if village.commune_id != commune_id:
        raise _fail(field, _("This village belongs to another commune."), "other_commune")
    if not village.is_active:
        raise _fail(field, _("This village was merged and is no longer active."), "inactive")


def clean_citizen_id(value: str | None, *, date_of_birth: date | None = None, sex: str = "") -> str:
    """The 12 digits of a CCCD, or "" when none was given; raises on a malformed one or one
    that contradicts the date of birth or sex (:func:`danchu.core.vn.citizen_id_problem`)."""
    text = normalise_citizen_id(value)
    problem = citizen_id_problem(text, date_of_birth, sex) if text else None
    if problem:
        raise _fail("citizen_id", problem)
    return text


def clean_phone(value: str | None) -> str:
    """A Vietnamese phone number as ``0…`` digits, or "" when none was given."""
    phone = normalise_phone(value)
    if phone is None:
        raise _fail(
            "phone",
            _("Not a Vietnamese phone number (10 digits starting with 03, 05, 07, 08 or 09)."),
        )
    return phone


def _village_state(village: Village) -> dict[str, Any]:
    return {
        "code": village.code,
        "name": village.name,
        "kind": village.kind,
        "is_active": village.is_active,
        "merged_into": village.merged_into_id,
    }


# --- villages -------------------------------------------------------------------------------


@transaction.atomic
def village_create(
    *, actor: Any, commune: AdministrativeUnit, name: str, kind: str, code: str | None = None
) -> Village:
    """Create a thôn or tổ dân phố (Law 10/2022 Art. 2(3)) in ``commune``."""
    _require_commune(commune)
    _authorize(actor, Action.VILLAGE_CREATE, commune)
    name = _clean_name(name)
    kind = _clean_kind(kind)
    folded = fold_vi(name)
    _check_unique_village_name(commune, folded, exclude=None)
    if code is None or not str(code).strip():
        code = _next_village_code(commune)
    else:
        code = _clean_code(code)
        if Village.objects.filter(commune=commune, code=code).exists():
            raise _fail("code", _("This code is already used in this commune."), "duplicate")
    village = Village.objects.create(
        commune=commune, code=code, name=name, name_folded=folded, kind=kind
    )
    audit.record(
        actor=actor,
        action="village.create",
        obj=village,
        commune_id=commune.pk,
        after=_village_state(village),
    )
    return village


@transaction.atomic
def village_update(
    *, actor: Any, village: Village, name: str | None = None, kind: str | None = None
) -> Village:
    """Rename or re-type a village; the audit trail keeps the former name."""
    village = Village.objects.select_for_update().get(pk=village.pk)
    _authorize(actor, Action.VILLAGE_UPDATE, village)
    if not village.is_active:
        raise _fail("name", _("This village was merged and can no longer be changed."), "inactive")
    before = _village_state(village)
    if name is not None:
        village.name = _clean_name(name)
        village.name_folded = fold_vi(village.name)
        _check_unique_village_name(village.commune, village.name_folded, exclude=village.pk)
    if kind is not None:
        village.kind = _clean_kind(kind)
    after = _village_state(village)
    if after != before:
        village.save(update_fields=["name", "name_folded", "kind"])
        audit.record(
            actor=actor,
            action="village.update",
            obj=village,
            commune_id=village.commune_id,
            before=before,
            after=after,
        )
    return village


@transaction.atomic
def village_merge(*, actor: Any, village: Village, into: Village) -> Village:
    """Merge ``village`` into ``into``: its households move there (history kept), and it is
    deactivated with ``merged_into`` set — villages are renamed or merged, never deleted.

    Returns the receiving village.
    """
    village = Village.objects.select_for_update().get(pk=village.pk)
    into = Village.objects.select_for_update().get(pk=into.pk)
    _authorize(actor, Action.VILLAGE_DELETE, village)
    if village.pk == into.pk:
        raise _fail("into", _("A village cannot be merged into itself."), "same")
    if into.commune_id != village.commune_id:
        raise _fail("into", _("This village belongs to another commune."), "other_commune")
    if not into.is_active:
        raise _fail("into", _("This village was merged and is no longer active."), "inactive")
    if not village.is_active:
        raise _fail("village", _("This village was already merged."), "inactive")
    before = _village_state(village)
    today = timezone.localdate()
    moved = 0
    for household in Household.objects.filter(village=village).order_by("pk"):
        _move(actor=actor, household=household, village=into, on=today)
        moved += 1
    village.is_active = False
    village.merged_into = into
    village.save(update_fields=["is_active", "merged_into"])
    audit.record(
        actor=actor,
        action="village.merge",
        obj=village,
        commune_id=village.commune_id,
        before=before,
        after={**_village_state(village), "households_moved": moved},
    )
    return into


# --- households -----------------------------------------------------------------------------


def _move(*, actor: Any, household: Household, village: Village, on: date) -> Household:
    """Close the open residence period on ``on`` and open the next one from ``on``.

    Periods are half-open, [start, end): the household counts in the old village until the
    day before ``on`` and in the new one from ``on``.
    """
    old_village_id = household.village_id
    open_period = (
        HouseholdVillagePeriod.objects.select_for_update()
        .filter(commune_id=household.commune_id, household=household, end__isnull=True)
        .first()
    )
    if open_period is not None:
        if on < open_period.start:
            raise _fail("on", _("The move cannot be dated before the household's current period."))
        open_period.end = on
        open_period.save(update_fields=["end"])
    HouseholdVillagePeriod.objects.create(
        commune_id=household.commune_id, household=household, village=village, start=on
    )
    household.village = village
    household.save(update_fields=["village", "updated_at"])
    audit.record(
        actor=actor,
        action="household.move",
        obj=household,
        commune_id=household.commune_id,
        before={"village": old_village_id},
        after={"village": village.pk, "on": on.isoformat()},
    )
    return household


@transaction.atomic
def household_move(
    *, actor: Any, household: Household, village: Village, on: date | None = None
) -> Household:
    """Move a household to another village of its commune, keeping where it lived before."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _authorize(actor, Action.HOUSEHOLD_UPDATE, household)
    _check_village_usable(village, household.commune_id)
    if village.pk == household.village_id:
        raise _fail("village", _("The household already lives in this village."), "same")
    return _move(actor=actor, household=household, village=village, on=on or timezone.localdate())


@dataclass(frozen=True)
class MemberData:
    """One member as given to :func:`household_create`, cleaned."""

    full_name: str
    date_of_birth: date | None
    sex: str
    citizen_id: str
    phone: str
    is_representative: bool


def _clean_member(raw: Mapping[str, Any], prefix: str) -> MemberData:
    # Sex and date of birth first: the CCCD is checked against both.
    sex = raw.get("sex") or ""
    if sex not in ("", *Resident.Sex.values):
        raise _fail(prefix + "sex", _("Choose male or female."))
    dob = raw.get("date_of_birth")
    if dob is not None and (not isinstance(dob, date) or dob > timezone.localdate()):
        raise _fail(prefix + "date_of_birth", _("Enter a valid date of birth, not in the future."))
    try:
        full_name = _clean_name(raw.get("full_name"), field="full_name")
        citizen_id = clean_citizen_id(raw.get("citizen_id"), date_of_birth=dob, sex=sex)
        phone = clean_phone(raw.get("phone"))
    except ValidationFailed as exc:
        raise ValidationFailed(
            exc.message, code=exc.code, fields={prefix + k: v for k, v in exc.fields.items()}
        ) from None
    return MemberData(full_name, dob, sex, citizen_id, phone, bool(raw.get("is_representative")))


def _clean_members(commune_id: int, members: Iterable[Mapping[str, Any]]) -> list[MemberData]:
    cleaned = [_clean_member(raw, f"members.{i}.") for i, raw in enumerate(members)]
    if not cleaned:
        raise _fail("members", _("A household needs at least one member."), "required")
    # Law 10/2022 Art. 18(2): a household acts through exactly one representative.
    if sum(m.is_representative for m in cleaned) != 1:
        raise _fail(
            "members",
            _("Mark exactly one member as the household representative."),
            "representative",
        )
    ids = [m.citizen_id for m in cleaned if m.citizen_id]
    if len(ids) != len(set(ids)):
        raise _fail("members", _("The same citizen ID appears twice."), "duplicate_citizen_id")
    _check_citizen_ids_free(commune_id, ids)
    return cleaned


def _check_citizen_ids_free(commune_id: int, ids: list[str], exclude: int | None = None) -> None:
    if not ids:
        return
    clash = Resident.objects.filter(
        commune_id=commune_id, citizen_id_index__in=[blind_index(i) for i in ids]
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise _fail(
            "citizen_id",
            _("A resident with this citizen ID is already registered in this commune."),
            "duplicate_citizen_id",
        )


def _resident(household: Household, m: MemberData) -> Resident:
    return Resident(
        commune_id=household.commune_id,
        household=household,
        full_name=m.full_name,
        name_folded=fold_vi(m.full_name),
        date_of_birth=m.date_of_birth,
        sex=m.sex,
        citizen_id=m.citizen_id,
        citizen_id_index=blind_index(m.citizen_id),
        phone=m.phone,
        phone_index=blind_index(m.phone),
        is_representative=m.is_representative,
    )


@transaction.atomic
def household_create(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    village: Village,
    code: str,
    address: str,
    members: Iterable[Mapping[str, Any]],
    on: date | None = None,
) -> Household:
    """Register a household with its members; exactly one of them is its representative.

    ``members``: mappings with full_name, date_of_birth, sex ("M"/"F"), citizen_id, phone and
    is_representative.
    """
    _require_commune(commune)
    _authorize(actor, Action.HOUSEHOLD_CREATE, commune)
    _check_village_usable(village, commune.pk)
    code = _clean_code(code, max_length=30)
    address = normalize_spaces(address)
    if len(address) > 300:
        raise _fail("address", _("Use at most %(max)d characters.") % {"max": 300}, "too_long")
    if Household.objects.filter(commune=commune, code=code).exists():
        raise _fail("code", _("This household code is already used in this commune."), "duplicate")
    cleaned = _clean_members(commune.pk, members)
    representative = next(m for m in cleaned if m.is_representative)
    household = Household.objects.create(
        commune=commune,
        village=village,
        code=code,
        address=address,
        address_folded=fold_vi(address),
        representative_name_folded=fold_vi(representative.full_name),
    )
    HouseholdVillagePeriod.objects.create(
        commune=commune, household=household, village=village, start=on or timezone.localdate()
    )
    Resident.objects.bulk_create([_resident(household, m) for m in cleaned])
    audit.record(
        actor=actor,
        action="household.create",
        obj=household,
        commune_id=commune.pk,
        after={"code": code, "village": village.pk, "members": len(cleaned)},
    )
    return household


@transaction.atomic
def resident_add(
    *,
    actor: Any,
    household: Household,
    full_name: str,
    date_of_birth: date | None = None,
    sex: str = "",
    citizen_id: str = "",
    phone: str = "",
    is_representative: bool = False,
) -> Resident:
    """Add a member to a household; as representative, they replace the current one."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _authorize(actor, Action.RESIDENT_UPDATE, household)
    member = _clean_member(
        {
            "full_name": full_name,
            "date_of_birth": date_of_birth,
            "sex": sex,
            "citizen_id": citizen_id,
            "phone": phone,
            "is_representative": is_representative,
        },
        prefix="",
    )
    _check_citizen_ids_free(household.commune_id, [member.citizen_id] if member.citizen_id else [])
    has_representative = household.members.filter(is_representative=True).exists()
    # Law 10/2022 Art. 18(2): the first member of an empty household becomes its representative.
    becomes_representative = member.is_representative or not has_representative
    resident = _resident(household, member)
    resident.is_representative = False
    resident.save()
    audit.record(
        actor=actor,
        action="resident.add",
        obj=resident,
        commune_id=household.commune_id,
        after={"household": household.pk},
    )
    if becomes_representative:
        _set_representative(actor=actor, household=household, resident=resident)
    return resident


def _set_representative(*, actor: Any, household: Household, resident: Resident) -> None:
    previous = household.members.filter(is_representative=True).exclude(pk=resident.pk).first()
    # Clear first: the partial unique constraint allows at most one flag at any moment.
    household.members.filter(is_representative=True).exclude(pk=resident.pk).update(
        is_representative=False
    )
    Resident.objects.filter(pk=resident.pk).update(is_representative=True)
    resident.is_representative = True
    household.representative_name_folded = resident.name_folded
    household.save(update_fields=["representative_name_folded", "updated_at"])
    audit.record(
        actor=actor,
        action="household.representative_set",
        obj=household,
        commune_id=household.commune_id,
        before={"representative": previous.pk if previous else None},
        after={"representative": resident.pk},
    )


@transaction.atomic
def representative_set(*, actor: Any, household: Household, resident: Resident) -> Household:
    """Make ``resident`` the household's one representative (Law 10/2022 Art. 18(2))."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _authorize(actor, Action.HOUSEHOLD_UPDATE, household)
    if resident.household_id != household.pk:
        raise _fail("resident", _("This person is not a member of the household."), "not_member")
    current = household.members.filter(is_representative=True).values_list("pk", flat=True)
    if list(current) == [resident.pk]:
        return household
    _set_representative(actor=actor, household=household, resident=resident)
    return household


# --- commune profile ------------------------------------------------------------------------


def _clean_profile_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise _fail_many({name: [_("This field cannot be changed here.")] for name in unknown})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in ("address", "introduction"):
        if name in fields:
            cleaned[name] = (
                normalize_spaces(fields[name])
                if name == "address"
                else ((fields[name] or "").strip())
            )
    if len(cleaned.get("address", "")) > 300:
        errors["address"] = [_("Use at most %(max)d characters.") % {"max": 300}]
    if "phone" in fields:
        phone = normalize_spaces(fields["phone"])
        if len(phone) > 30 or (phone and not re.fullmatch(r"[0-9 +().-]+", phone)):
            errors["phone"] = [_("Enter a valid phone number.")]
        cleaned["phone"] = phone
    if "email" in fields:
        email = (fields["email"] or "").strip()
        try:
            if email:
                validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
        cleaned["email"] = email
    for flag in ("require_official_otp", "has_loudspeaker"):
        if flag in fields:
            cleaned[flag] = bool(fields[flag])
    if errors:
        raise _fail_many(errors)
    return cleaned


@transaction.atomic
def commune_profile_update(
    *, actor: Any, commune: AdministrativeUnit, **fields: Any
) -> CommuneProfile:
    """Update what the commune says about itself (contacts, introduction, OTP requirement)."""
    _require_commune(commune)
    _authorize(actor, Action.COMMUNE_SETTINGS, commune)
    cleaned = _clean_profile_fields(fields)
    profile, _created = CommuneProfile.objects.select_for_update().get_or_create(commune=commune)
    before = {name: getattr(profile, name) for name in cleaned}
    changed = {name: value for name, value in cleaned.items() if before[name] != value}
    if changed or _created:
        for name, value in changed.items():
            setattr(profile, name, value)
        profile.save()
        audit.record(
            actor=actor,
            action="commune.profile_update",
            obj=profile,
            commune_id=commune.pk,
            before={name: before[name] for name in changed},
            after=changed,
        )
    return profile
