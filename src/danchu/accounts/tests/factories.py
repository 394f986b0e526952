"""Test factories for users and role assignments."""

from __future__ import annotations

import datetime

import factory

from danchu.accounts.models import Role, RoleAssignment, User
from danchu.territory.tests.factories import CommuneFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người Dùng {n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.COMMUNE_OFFICIAL
    commune = factory.SubFactory(CommuneFactory)
    unit = factory.LazyAttribute(lambda o: o.commune)
    village = None
    valid_from = datetime.date(2025, 7, 1)
