"""Shared pieces of the web views: authorization that answers 404/403, pagination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from danchu.accounts.permissions import Action, get_for_actor
from danchu.core.errors import NotFound, PermissionDenied
from danchu.territory.models import AdministrativeUnit

__all__ = ["PAGE_SIZE", "current_communes", "commune_for", "paginate", "permission_errors"]

PAGE_SIZE = 50


def permission_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the permission layer's refusals into Django's 404 and 403 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error

    return wrapper


def current_communes() -> QuerySet[AdministrativeUnit]:
    """The 2025 commune-level units (xã, phường, đặc khu)."""
    return AdministrativeUnit.objects.filter(
        era=AdministrativeUnit.Era.CURRENT, level=AdministrativeUnit.Level.COMMUNE
    )


def commune_for(request: HttpRequest, code: str, action: Action) -> AdministrativeUnit:
    """The commune with ``code`` if the person may do ``action`` there (404 for others)."""
    return get_for_actor(
        current_communes().select_related("parent"), request.user, action, code=code
    )


def paginate(request: HttpRequest, queryset: QuerySet[Any], size: int = PAGE_SIZE) -> Page:
    """One page; a bad or out-of-range ``page`` gives the nearest page, never an error."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))
