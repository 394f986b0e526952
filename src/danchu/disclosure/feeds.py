"""The Atom feed of a commune's published disclosures (Law 10/2022 Art. 12(1)(b): the website).

Residents, the press and the Front can follow a commune without visiting its page. The feed
carries the 30 newest published items: title, link to the public page, summary, the time of
the latest publication (a new version of an item moves it to the top again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from danchu.core.errors import NotFound
from danchu.disclosure import selectors
from danchu.disclosure.models import Disclosure
from danchu.disclosure.rules import Category
from danchu.territory.models import AdministrativeUnit
from danchu.territory.selectors import commune_public

__all__ = ["FEED_SIZE", "CommuneDisclosureFeed"]

FEED_SIZE = 30


class CommuneDisclosureFeed(Feed):  # type: ignore[type-arg]
    """``/xa/<code>/cong-khai/feed.atom``: works for anonymous readers.

    One instance per request (the view makes it), so remembering the commune's code is safe.
    """

    feed_type = Atom1Feed
    _code = ""

    def get_object(self, request: HttpRequest, code: str) -> AdministrativeUnit:  # type: ignore[override]
        try:
            return commune_public(code)
        except NotFound as error:
            raise Http404(error.message) from error

    def title(self, obj: AdministrativeUnit) -> str:
        return _("Public disclosures — %(commune)s") % {"commune": obj.name}

    def subtitle(self, obj: AdministrativeUnit) -> str:
        return _("What %(commune)s has published under the Law on Grassroots Democracy.") % {
            "commune": obj.name
        }

    def link(self, obj: AdministrativeUnit) -> str:
        return reverse("disclosure:public_list", args=[obj.code])

    def feed_url(self, obj: AdministrativeUnit) -> str:
        return reverse("disclosure:public_feed", args=[obj.code])

    def items(self, obj: AdministrativeUnit) -> list[Disclosure]:
        return list(selectors.disclosure_list_public(obj)[:FEED_SIZE])

    def item_title(self, item: Disclosure) -> str:
        assert item.public_version is not None
        return item.public_version.title

    def item_description(self, item: Disclosure) -> str:
        # Atom's summary is sent as HTML: escape so that the text shows as typed.
        version = item.public_version
        assert version is not None
        return str(escape(version.summary or version.source_document))

    def item_link(self, item: Disclosure) -> str:
        return reverse("disclosure:public_detail", args=[self._code, item.pk])

    def item_updateddate(self, item: Disclosure) -> datetime | None:
        return item.published_at

    def item_pubdate(self, item: Disclosure) -> datetime | None:
        return item.first_published_at or item.published_at

    def item_categories(self, item: Disclosure) -> list[str]:
        return [str(Category(item.category).label)]

    def get_feed(self, obj: AdministrativeUnit, request: HttpRequest) -> Any:
        # The items' links need the commune's code; the items themselves carry only its id.
        self._code = obj.code
        return super().get_feed(obj, request)
