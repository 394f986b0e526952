"""The law's consultation rules as plain functions (no database): Law 10/2022 Art. 25–28;
Decree 61/2023 Art. 9 for community conventions (hương ước, quy ước).

Counting (legal-spec §3.6): "at least N days from the day the content is publicised" runs from
the day after publication (Civil Code 2015 Art. 147(2)), so a draft published on 1 March with a
20-day period can close no earlier than at the end of 21 March: ``closes_on - published_on >= N``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CONVENTION_MIN_DAYS",
    "MIN_DAYS",
    "Category",
    "Form",
    "Outcome",
    "earliest_close",
    "minimum_days",
    "period_long_enough",
]

# Law 10/2022 Art. 28(2): at least 20 days from the day the content is publicised.
MIN_DAYS = 20
# Decree 61/2023 Art. 9: a convention draft is posted for at least 30 days.
CONVENTION_MIN_DAYS = 30


class Category(models.IntegerChoices):
    """What residents give opinions on — Law 10/2022 Art. 25, by clause number."""

    SOCIO_ECONOMIC = 1, _("1. Draft socio-economic plans and restructuring schemes")
    LAND_USE = 2, _("2. Draft land-use plans and commune-managed land")
    PROJECTS = 3, _("3. Projects affecting the community: land, clearance, environment")
    ADMINISTRATIVE_UNITS = 4, _("4. Creating, merging, splitting or renaming units and villages")
    COMMUNITY_DECISIONS = 5, _("5. Draft administrative decisions affecting the community")
    CONSTRUCTION_PLANNING = 6, _("6. Draft construction plans")
    DEMOCRACY_REGULATION = 7, _("7. Draft grassroots democracy regulation")
    INDIVIDUAL_DECISIONS = 8, _("8. Draft decisions imposing obligations on named citizens")
    OTHER = 9, _("9. Other contents required by law")


class Form(models.TextChoices):
    """How opinions are collected (Law 10/2022 Art. 26(1)); the web is danchu itself."""

    WEB = "web", _("Commune website (danchu)")
    MEETING = "meeting", _("Community meeting")
    DIALOGUE = "dialogue", _("Dialogue conference with the commune")
    HOUSEHOLD_FORM = "household_form", _("Household opinion form")
    BOX = "box", _("Comment box or hotline")
    ORGANISATION = "organisation", _("Through the Front and mass organisations")
    TELECOM = "telecom", _("Telecom networks and social networks")


class Outcome(models.TextChoices):
    """What the commune did with a group of opinions (tiếp thu, giải trình — Art. 28(3))."""

    PENDING = "pending", _("not yet answered")
    ACCEPTED = "accepted", _("accepted")
    NOT_ACCEPTED = "not_accepted", _("not accepted, with explanation")


def minimum_days(*, convention: bool) -> int:
    """Art. 28(2): 20 days; Decree 61 Art. 9: 30 days for a convention draft."""
    return CONVENTION_MIN_DAYS if convention else MIN_DAYS


def earliest_close(published_on: date, *, convention: bool) -> date:
    """The first day the consultation may close (its last day of comments)."""
    return published_on + timedelta(days=minimum_days(convention=convention))


def period_long_enough(published_on: date, closes_on: date, *, convention: bool) -> bool:
    return (closes_on - published_on).days >= minimum_days(convention=convention)
