"""Building blocks for API tests: households with representatives and tokens for people."""

from __future__ import annotations

from typing import Any

from danchu.core.text import fold_vi
from danchu.territory.models import Household
from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory

__all__ = ["auth", "make_household", "token_for"]


def make_household(
    village: Any, representative: str = "Nguyễn Văn An", members: int = 1, **kw: Any
) -> Household:
    household = HouseholdFactory(
        village=village, representative_name_folded=fold_vi(representative), **kw
    )
    ResidentFactory(
        household=household, full_name=representative, is_representative=True, phone="0912345678"
    )
    for _ in range(members - 1):
        ResidentFactory(household=household)
    return household


def token_for(user: Any, name: str = "test") -> str:
    from danchu.accounts.services import api_token_create

    _token, raw = api_token_create(actor=user, user=user, name=name)
    return raw


def auth(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
