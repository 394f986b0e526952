"""Test factories for units, villages, households and residents."""

from __future__ import annotations

import factory

from danchu.core.crypto import blind_index
from danchu.core.text import fold_vi
from danchu.territory.models import AdministrativeUnit, Household, Resident, Village


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    era = AdministrativeUnit.Era.CURRENT
    level = AdministrativeUnit.Level.PROVINCE
    code = factory.Sequence(lambda n: f"9{n:03d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    unit_type = "Tỉnh"
    name_folded = factory.LazyAttribute(lambda o: fold_vi(o.name))


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    era = AdministrativeUnit.Era.CURRENT
    level = AdministrativeUnit.Level.COMMUNE
    code = factory.Sequence(lambda n: f"8{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    unit_type = "Xã"
    name_folded = factory.LazyAttribute(lambda o: fold_vi(o.name))
    parent = factory.SubFactory(ProvinceFactory)


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    commune = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Thôn {n}")
    name_folded = factory.LazyAttribute(lambda o: fold_vi(o.name))
    kind = Village.Kind.THON


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    village = factory.SubFactory(VillageFactory)
    commune = factory.LazyAttribute(lambda o: o.village.commune)
    code = factory.Sequence(lambda n: f"HGD{n:06d}")
    address = factory.Sequence(lambda n: f"Số {n}, đường Làng")
    address_folded = factory.LazyAttribute(lambda o: fold_vi(o.address))


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    commune = factory.LazyAttribute(lambda o: o.household.commune)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    name_folded = factory.LazyAttribute(lambda o: fold_vi(o.full_name))
    citizen_id = factory.Sequence(lambda n: f"0420{n:08d}")
    citizen_id_index = factory.LazyAttribute(lambda o: blind_index(o.citizen_id))
    sex = Resident.Sex.MALE
    is_representative = False
