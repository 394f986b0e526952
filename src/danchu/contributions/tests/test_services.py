"""Campaign books: integer amounts, the Art. 15(1) decision, receipts numbered without gaps,
cancellation only by counter-entry, exemptions, and spending never above the balance."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from danchu.contributions import services
from danchu.contributions.models import Campaign, Kind, Receipt, Spending
from danchu.contributions.services import Contributor
from danchu.contributions.tests.factories import (
    adopted_decision,
    days_ago,
    give,
    household_of,
    make_campaign,
)
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions.tests.factories import make_village, official_of, village_head
from danchu.territory.tests.factories import CommuneFactory


@pytest.fixture
def official(commune):
    return official_of(commune)


@pytest.fixture
def village(commune):
    return make_village(commune, households=5)


@pytest.fixture
def campaign(official, commune):
    return make_campaign(official, commune)


# --- Law 10/2022 Art. 15(1): a compulsory level cites the community's decision -------------


def test_compulsory_level_without_a_decision_is_refused_with_the_article(official, commune):
    with pytest.raises(ValidationFailed) as exc:
        make_campaign(official, commune, level=Campaign.Level.COMPULSORY)
    message = exc.value.fields["decision"][0]
    assert "Art. 15(1)" in message or "khoản 1 Điều 15" in message
    assert not Campaign.objects.exists()


def test_compulsory_level_with_an_adopted_contributions_decision_passes(official, village):
    decision = adopted_decision(official, village)
    campaign = make_campaign(
        official, village.commune, level=Campaign.Level.COMPULSORY, decision=decision,
        level_per_household=200_000, villages=[village],
    )  # fmt: skip
    assert campaign.decision == decision


def test_a_rejected_decision_does_not_set_a_compulsory_level(official, village):
    decision = adopted_decision(official, village, adopt=False)
    with pytest.raises(ValidationFailed) as exc:
        make_campaign(official, village.commune, level=Campaign.Level.COMPULSORY, decision=decision)
    assert "decision" in exc.value.fields


def test_another_communes_decision_is_refused(official, commune):
    other = CommuneFactory()
    decision = adopted_decision(official_of(other), make_village(other, households=3))
    with pytest.raises(ValidationFailed) as exc:
        make_campaign(official, commune, level=Campaign.Level.COMPULSORY, decision=decision)
    assert "decision" in exc.value.fields


def test_voluntary_campaigns_need_no_decision(official, commune):
    assert make_campaign(official, commune).decision is None


def test_the_database_refuses_a_compulsory_level_without_a_decision(commune):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            commune=commune, title="t", purpose="p", serves="s", starts_on=days_ago(1),
            ends_on=days_ago(0), level=Campaign.Level.COMPULSORY,
        )  # fmt: skip


# --- integers only -------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [1.5, 100000.0, "100000", True, 0, -1, 10**15 + 1])
def test_amounts_are_positive_integers_never_floats(official, campaign, amount):
    with pytest.raises(ValidationFailed) as exc:
        give(official, campaign, amount)
    assert "amount" in exc.value.fields


def test_large_sums_stay_exact(official, campaign):
    give(official, campaign, 10**15)
    give(official, campaign, 1)
    assert services.campaign_balance(campaign) == 10**15 + 1


# --- receipts: numbering, cancellation -----------------------------------------------------


def test_receipts_are_numbered_per_campaign_and_year(official, commune, campaign):
    other = make_campaign(official, commune, title="Quỹ khuyến học")
    numbers = [give(official, campaign, 1000).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert give(official, other, 1000).number == 1
    last_year = days_ago(400)
    old = make_campaign(official, commune, starts_on=last_year, title="Nhà văn hóa")
    assert give(official, old, 5, day=last_year).number == 1
    assert give(official, old, 5).number == 1  # a new year starts a new series
    assert give(official, old, 5, day=last_year).number == 2


def test_a_refused_receipt_uses_no_number(official, campaign):
    give(official, campaign, 1000)
    with pytest.raises(ValidationFailed):
        give(official, campaign, 0)
    assert give(official, campaign, 1000).number == 2


def test_receipts_are_never_edited_or_deleted(official, campaign):
    receipt = give(official, campaign, 1000)
    receipt.amount = 1
    with pytest.raises(RuntimeError):
        receipt.save()
    with pytest.raises(RuntimeError):
        receipt.delete()
    with pytest.raises(RuntimeError):
        Receipt.objects.filter(pk=receipt.pk).update(amount=1)
    with pytest.raises(RuntimeError):
        Receipt.objects.filter(pk=receipt.pk).delete()
    assert Receipt.objects.get(pk=receipt.pk).amount == 1000


def test_cancellation_is_a_reasoned_counter_entry(official, campaign):
    receipt = give(official, campaign, 300_000)
    give(official, campaign, 200_000)
    with pytest.raises(ValidationFailed) as exc:
        services.receipt_cancel(actor=official, receipt=receipt, reason="  ")
    assert "reason" in exc.value.fields
    counter = services.receipt_cancel(actor=official, receipt=receipt, reason="Ghi nhầm hộ.")
    assert counter.amount == -300_000
    assert counter.number == 3
    assert counter.cancels == receipt
    assert Receipt.objects.get(pk=receipt.pk).amount == 300_000  # the original stays
    assert services.campaign_balance(campaign) == 200_000
    assert AuditEntry.objects.filter(action="receipt.cancel").count() == 1
    with pytest.raises(ApplicationError) as again:
        services.receipt_cancel(actor=official, receipt=receipt, reason="Lần nữa")
    assert again.value.code == "already_cancelled"
    with pytest.raises(ApplicationError) as nested:
        services.receipt_cancel(actor=official, receipt=counter, reason="Hủy bút toán hủy")
    assert nested.value.code == "counter_entry"


def test_money_already_spent_cannot_be_cancelled(official, campaign):
    receipt = give(official, campaign, 100)
    services.spending_record(
        actor=official, campaign=campaign, spent_on=days_ago(0), description="Xi măng",
        payee="Cửa hàng VLXD Tâm", document="HĐ 01", amount=1,
    )  # fmt: skip
    with pytest.raises(ApplicationError) as exc:
        services.receipt_cancel(actor=official, receipt=receipt, reason="Nhầm")
    assert exc.value.code == "balance_too_low"


def test_land_needs_its_parcel_and_records_the_waived_compensation(official, campaign, village):
    household = household_of(village)
    with pytest.raises(ValidationFailed) as exc:
        give(official, campaign, 50, kind=Kind.LAND, household=household, land_parcel="")
    assert "land_parcel" in exc.value.fields
    receipt = give(
        official, campaign, 50, kind=Kind.LAND, household=household, compensation_waived=True
    )
    assert receipt.compensation_waived
    assert receipt.village == village


def test_materials_only_where_the_campaign_collects_them(official, commune, campaign):
    with pytest.raises(ValidationFailed):
        give(official, campaign, 10, kind=Kind.MATERIALS)
    bricks = make_campaign(
        official, commune, material_name="Xi măng", material_unit="bao", target_materials=200
    )
    assert give(official, bricks, 10, kind=Kind.MATERIALS).amount == 10


def test_a_finished_campaign_takes_no_receipts(official, campaign):
    services.campaign_close(actor=official, campaign=campaign)
    with pytest.raises(ApplicationError) as exc:
        give(official, campaign, 1000)
    assert exc.value.code == "campaign_closed"


def test_a_village_head_collects_in_their_own_village_only(official, commune, campaign):
    mine, theirs = make_village(commune, households=2), make_village(commune, households=2)
    head = village_head(mine)
    assert give(head, campaign, 1000, household=household_of(mine)).collector == head
    with pytest.raises(PermissionDenied):
        give(head, campaign, 1000, household=household_of(theirs))
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=head, commune=commune, title="t", purpose="p", serves="s",
            starts_on=days_ago(1), ends_on=days_ago(0),
        )  # fmt: skip


def test_another_communes_official_gets_not_found(campaign):
    outsider = official_of(CommuneFactory())
    with pytest.raises(NotFound):
        give(outsider, campaign, 1000)


def test_a_household_of_another_commune_is_refused(official, campaign):
    other = make_village(CommuneFactory(), households=1)
    with pytest.raises(ValidationFailed) as exc:
        give(official, campaign, 1000, household=household_of(other))
    assert "household" in exc.value.fields


def test_pledges_record_promises(official, campaign, village):
    pledge = services.pledge_record(
        actor=official, campaign=campaign,
        contributor=Contributor(kind="household", household=household_of(village)),
        kind=Kind.WORKDAYS, amount=5, pledged_on=days_ago(1),
    )  # fmt: skip
    assert pledge.amount == 5
    assert pledge.village == village


# --- exemptions ----------------------------------------------------------------------------


def test_exemptions_for_poor_households_with_their_basis(official, village):
    decision = adopted_decision(official, village)
    campaign = make_campaign(
        official, village.commune, level=Campaign.Level.COMPULSORY, decision=decision,
        level_per_household=200_000,
    )  # fmt: skip
    household = household_of(village)
    with pytest.raises(ValidationFailed) as exc:
        services.exemption_record(
            actor=official, campaign=campaign, household=household, category="poor",
            basis="QĐ 12/QĐ-UBND", reduced_to=200_000,
        )  # fmt: skip
    assert "reduced_to" in exc.value.fields  # a "reduction" to the full level is none
    exemption = services.exemption_record(
        actor=official, campaign=campaign, household=household, category="poor",
        basis="Danh sách hộ nghèo năm 2026 (QĐ 12/QĐ-UBND)", reduced_to=199_999,
    )  # fmt: skip
    assert exemption.reduced_to == 199_999
    with pytest.raises(ValidationFailed):
        services.exemption_record(
            actor=official, campaign=campaign, household=household, category="policy",
            basis="Gia đình chính sách",
        )  # fmt: skip


def test_voluntary_campaigns_have_no_exemptions(official, campaign, village):
    with pytest.raises(ValidationFailed):
        services.exemption_record(
            actor=official, campaign=campaign, household=household_of(village), category="poor",
            basis="Hộ nghèo",
        )  # fmt: skip


# --- spending never above the balance ------------------------------------------------------


def _spend(official, campaign, amount):
    return services.spending_record(
        actor=official, campaign=campaign, spent_on=days_ago(0), description="Mua xi măng",
        payee="Cửa hàng VLXD Tâm", document="Hóa đơn 0012", amount=amount,
    )  # fmt: skip


def test_spending_equal_to_the_balance_passes_one_dong_more_fails(official, campaign):
    give(official, campaign, 1_000_000)
    give(official, campaign, 20, kind=Kind.WORKDAYS)  # workdays are not money
    with pytest.raises(ValidationFailed) as exc:
        _spend(official, campaign, 1_000_001)
    assert exc.value.code == "above_balance"
    assert "amount" in exc.value.fields
    assert _spend(official, campaign, 1_000_000).amount == 1_000_000
    assert services.campaign_balance(campaign) == 0
    with pytest.raises(ValidationFailed):
        _spend(official, campaign, 1)
    assert Spending.objects.count() == 1


def test_a_cancelled_receipt_no_longer_funds_spending(official, campaign):
    receipt = give(official, campaign, 500)
    services.receipt_cancel(actor=official, receipt=receipt, reason="Tiền giả")
    with pytest.raises(ValidationFailed):
        _spend(official, campaign, 1)


def test_village_heads_do_not_spend(official, commune, campaign):
    give(official, campaign, 500)
    head = village_head(make_village(commune))
    with pytest.raises(PermissionDenied):
        _spend(head, campaign, 1)


def test_every_write_is_audited_without_names(official, campaign):
    give(official, campaign, 1000, name="Bà Nguyễn Thị Kín", anonymous=True)
    entry = AuditEntry.objects.filter(action="receipt.issue").get()
    assert "Kín" not in str(entry.after)
    assert AuditEntry.objects.filter(action="campaign.create").count() == 1
