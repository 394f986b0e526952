"""The bearer token's one-statement read (quality bar P7): the person, their resident record,
household and commune, and their grants — exactly what the ORM and
:func:`danchu.accounts.permissions.grants_for` give, for every kind of person."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.accounts.models import ApiToken, Role, User
from danchu.accounts.permissions import grants_for
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.api.auth import BearerToken
from danchu.api.tests.helpers import make_household, token_for
from danchu.territory.tests.factories import ProvinceFactory, VillageFactory

pytestmark = pytest.mark.django_db


def _authenticate(raw: str):
    request = RequestFactory().get("/api/v1/")
    return BearerToken().authenticate(request, raw)


def _fresh_grants(user: User):
    return sorted(grants_for(User.objects.get(pk=user.pk)), key=repr)


def _people(commune):
    village = VillageFactory(commune=commune)
    household = make_household(village)
    resident = household.members.get()
    representative = UserFactory(resident=resident)
    RoleAssignmentFactory(
        user=representative, role=Role.HOUSEHOLD_REPRESENTATIVE, commune=commune,
        village=village,
    )  # fmt: skip
    head = RoleAssignmentFactory(role=Role.VILLAGE_HEAD, commune=commune, village=village).user
    # An official with two roles, one of them over, one not yet begun.
    official = RoleAssignmentFactory(role=Role.COMMUNE_OFFICIAL, commune=commune).user
    RoleAssignmentFactory(user=official, role=Role.COMMUNE_CHAIR, commune=commune)
    today = timezone.localdate()
    RoleAssignmentFactory(
        user=official, role=Role.FRONT_OFFICER, commune=commune,
        valid_from=datetime.date(2025, 7, 1), valid_to=today - datetime.timedelta(days=1),
    )  # fmt: skip
    RoleAssignmentFactory(
        user=official, role=Role.MEDIATOR, commune=commune,
        valid_from=today + datetime.timedelta(days=1),
    )  # fmt: skip
    # A role ending today still holds today.
    ending = RoleAssignmentFactory(role=Role.INSPECTION_BOARD, commune=commune, valid_to=today).user
    province = ProvinceFactory()
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, unit=province, commune=None).user
    nobody = UserFactory()
    return {
        "representative": representative, "head": head, "official": official,
        "ending": ending, "reader": reader, "nobody": nobody,
    }  # fmt: skip


def test_grants_read_with_the_token_equal_grants_for(commune):
    for name, person in _people(commune).items():
        user = _authenticate(token_for(person))
        assert user is not None, name
        assert user.pk == person.pk, name
        primed = sorted(user.__dict__["_danchu_grants"][timezone.localdate()], key=repr)
        assert primed == _fresh_grants(person), name
        with CaptureQueriesContext(connection) as ctx:
            assert sorted(grants_for(user), key=repr) == primed
        assert not ctx.captured_queries, name


def test_the_person_comes_with_resident_household_and_commune(commune):
    person = _people(commune)["representative"]
    user = _authenticate(token_for(person))
    stored = User.objects.get(pk=person.pk)
    with CaptureQueriesContext(connection) as ctx:
        household = user.resident.household
        assert household.commune == commune
        assert household.commune.parent_id == commune.parent_id
        assert user.resident.account is user
        assert user.username == person.username
        assert user.is_active
        assert not user.is_superuser
    assert not ctx.captured_queries
    # The encrypted fields, the password and the record times are not read with the token;
    # asked for, they load (one query each).
    assert user.resident.phone == "0912345678"
    with CaptureQueriesContext(connection) as ctx:
        assert user.date_joined == stored.date_joined
        assert user.resident.household.created_at == household.created_at
    assert len(ctx.captured_queries) == 2


def test_revoked_tokens_and_inactive_people_are_refused(commune):
    person = _people(commune)["official"]
    raw = token_for(person)
    assert _authenticate(raw) is not None
    assert _authenticate(raw + "x") is None
    ApiToken.objects.filter(user=person).update(revoked_at=timezone.now())
    assert _authenticate(raw) is None
    raw = token_for(person, name="second")
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert _authenticate(raw) is None


def test_last_used_is_written_at_most_every_five_minutes(commune):
    person = _people(commune)["official"]
    raw = token_for(person)
    _authenticate(raw)
    first = ApiToken.objects.get(user=person).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        _authenticate(raw)
    assert len(ctx.captured_queries) == 1  # the read alone
    assert ApiToken.objects.get(user=person).last_used_at == first
    ApiToken.objects.filter(user=person).update(last_used_at=first - datetime.timedelta(minutes=6))
    _authenticate(raw)
    later = ApiToken.objects.get(user=person).last_used_at
    assert later is not None
    assert later > first
