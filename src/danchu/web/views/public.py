"""Public pages: the list of communes using danchu and each commune's public home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from danchu.accounts.permissions import Action, can, get_for_actor
from danchu.core.errors import NotFound
from danchu.core.search import search_folded
from danchu.disclosure.selectors import disclosure_list_public
from danchu.territory.models import AdministrativeUnit, CommuneProfile, Household, UnitSuccession
from danchu.territory.selectors import clean_query, commune_public, village_list_public
from danchu.web.forms import CommuneSearchForm
from danchu.web.views.common import current_communes, permission_errors

__all__ = ["commune_home", "home", "my_household"]

SEARCH_LIMIT = 30
NEWS_LIMIT = 5


def home(request: HttpRequest) -> HttpResponse:
    """Communes that use danchu, and a search over every 2025 commune by name."""
    form = CommuneSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        query = clean_query(form.cleaned_data["q"])
        found = search_folded(current_communes(), "name_folded", query)
        results = list(found.select_related("parent").order_by("name")[:SEARCH_LIMIT])
    communes = (
        current_communes().filter(profile__isnull=False).select_related("parent").order_by("name")
    )
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "communes": communes, "results": results, "limit": SEARCH_LIMIT}
    return render(request, "web/home.html", context, status=status)


def commune_home(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's public page: where it comes from, its contacts and villages, what is new."""
    try:
        commune = commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {
        "commune": commune,
        "profile": CommuneProfile.objects.filter(commune=commune).first(),
        "former_units": _former_units(commune),
        # Public figures: the number of households per village, never who lives there.
        "villages": village_list_public(commune=commune),
        # What is new: the newest published disclosures, in one query (Law 10/2022 Art. 13(1)).
        "news": list(disclosure_list_public(commune)[:NEWS_LIMIT]),
    }
    return render(request, "web/commune_home.html", context)


def _former_units(commune: AdministrativeUnit) -> list[AdministrativeUnit]:
    successions = (
        UnitSuccession.objects.filter(successor=commune)
        .select_related("predecessor__parent")
        .order_by("predecessor__name")
    )
    return [s.predecessor for s in successions]


@login_required
@permission_errors
def my_household(request: HttpRequest) -> HttpResponse:
    """A resident's own household and commune (reached after signing in with a slip)."""
    household_id = (
        request.user.resident.household_id if getattr(request.user, "resident", None) else None  # type: ignore[union-attr]
    )
    if household_id is None:
        raise Http404
    household = get_for_actor(
        Household.objects.select_related("village", "commune__parent"),
        request.user,
        Action.HOUSEHOLD_VIEW,
        pk=household_id,
    )
    may_list = can(request.user, Action.RESIDENT_LIST, household)
    members = household.members.all() if may_list else None
    context = {"household": household, "members": members}
    return render(request, "web/my_household.html", context)
