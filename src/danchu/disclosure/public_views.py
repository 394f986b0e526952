"""Public pages of the disclosure register: residents read without signing in.

Law 10/2022/QH15 Art. 12(1)(b), 13(1): the commune website is a channel for every content of
Art. 11, so these pages show what the commune has published — the published version only, never
a draft or a pending change — with its attachments and the record of where and when it was
posted (dates and places; the proof photos stay in the back office).

Every view only parses, reads through :mod:`danchu.disclosure.selectors` and renders.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from danchu.accounts.permissions import Action, can
from danchu.core.errors import NotFound
from danchu.core.text import fold_vi
from danchu.disclosure import files, notice, selectors
from danchu.disclosure.feeds import CommuneDisclosureFeed
from danchu.disclosure.models import Attachment, Disclosure, DisclosureVersion
from danchu.disclosure.rules import Category, Channel
from danchu.territory.models import AdministrativeUnit, Village
from danchu.territory.selectors import MAX_QUERY_LENGTH, clean_query, commune_public
from danchu.web.views.common import paginate

__all__ = [
    "PublicFilterForm",
    "attachment_download",
    "public_detail",
    "public_feed",
    "public_list",
    "public_notice_pdf",
    "public_version",
]

# A printed notice is the same for everyone and its version is frozen: render it once in a while.
NOTICE_CACHE_SECONDS = 60 * 60


def _commune(code: str) -> AdministrativeUnit:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


def _disclosure(commune: AdministrativeUnit, pk: int) -> Disclosure:
    """A published disclosure of this commune (a draft, a withdrawn one or another commune's
    answers 404)."""
    try:
        return selectors.disclosure_get_public(commune, pk)
    except NotFound as error:
        raise Http404(error.message) from error


# ---------------------------------------------------------------------------------------------
# The list


class PublicFilterForm(forms.Form):
    """The public list's filters (GET). Wrong input is a field error and a 400, never a 500."""

    q = forms.CharField(
        label=gettext_lazy("Search (with or without diacritics)"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Content (Art. 11)"),
        choices=[("", gettext_lazy("All"))] + list(Category.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("Village or residential group"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("Published from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    date_to = forms.DateField(
        label=gettext_lazy("Published until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args: Any, villages: QuerySet[Village], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            raise ValidationError({"date_to": _("The end date cannot be before the start date.")})
        return data


def _category_labels() -> dict[int, str]:
    """The Art. 11 labels in the active language, evaluated once."""
    return {int(value): str(label) for value, label in Category.choices}


@require_safe
def public_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's published disclosures, newest first, filterable, 50 to a page.

    A fixed number of queries whatever the number of rows: the commune, the villages of the
    filter, the count and the page (the version comes with ``select_related``).
    """
    commune = _commune(code)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name", "id")
    form = PublicFilterForm(request.GET or None, villages=villages)
    page_obj = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        found = selectors.disclosure_list_public(
            commune,
            category=data.get("category"),
            village=data.get("village"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            query=clean_query(data.get("q")),
        )
        page_obj = paginate(request, found)
        # Labels once per page, not one lazy translation per row.
        labels = _category_labels()
        for disclosure in page_obj.object_list:
            disclosure.category_label = labels.get(disclosure.category, "")
    filtered = form.is_bound and any(
        v not in (None, "") for k, v in request.GET.items() if k != "page"
    )
    list_url = reverse("disclosure:public_list", args=[commune.code])
    context = {
        "commune": commune,
        "form": form,
        "values": {k: request.GET.get(k, "")[:200] for k in PublicFilterForm.base_fields},
        "categories": [(str(value), label) for value, label in _category_labels().items()],
        "villages": villages,
        "q_max": MAX_QUERY_LENGTH,
        "page_obj": page_obj,
        "filtered": filtered,
        # The detail pages sit under the list: /xa/<code>/cong-khai/<pk>/.
        "list_url": list_url,
        "feed_url": reverse("disclosure:public_feed", args=[commune.code]),
    }
    return render(request, "disclosure/public/list.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# One disclosure and its versions


def _record_rows(version: DisclosureVersion) -> list[dict[str, Any]]:
    """The publishing record as the public sees it: channel, place, from, until.

    One row per act of publishing; a required channel with nothing recorded yet gets one row
    without dates, so that residents can see what is still to be done (Art. 13). Proof files
    are not shown publicly (they may show people), only the dates and places.
    """
    compliance = selectors.compliance_for([version])[version.pk]
    rows: list[dict[str, Any]] = []
    names: dict[int, str] = {}
    for status in compliance.statuses:
        village = ""
        if status.village is not None:
            village = names[status.village.pk] = status.village.name
        if not status.records:
            rows.append({"channel": status.channel_label, "village": village, "record": None})
        for record in status.records:
            rows.append({"channel": status.channel_label, "village": village, "record": record})
    # Acts on channels the law does not require here (Art. 13(5)); their villages in one query.
    unknown = {r.village_id for r in compliance.extra_records if r.village_id} - names.keys()
    if unknown:
        names.update(Village.objects.filter(pk__in=unknown).values_list("id", "name"))
    for record in compliance.extra_records:
        rows.append(
            {
                "channel": str(Channel(record.channel).label),
                "village": names.get(record.village_id, "") if record.village_id else "",
                "record": record,
            }
        )
    return rows


def _version_context(
    request: HttpRequest,
    commune: AdministrativeUnit,
    disclosure: Disclosure,
    version: DisclosureVersion,
) -> dict[str, Any]:
    current = disclosure.public_version
    assert current is not None
    older = (
        selectors.published_versions(disclosure)
        .exclude(pk=current.pk)
        .only("number", "published_at", "title", "change_note")
    )
    # Only documents hang on a version (proofs hang on records); prefetched for old versions.
    attachments = list(version.attachments.all())
    user = request.user
    may_request = bool(
        getattr(user, "is_authenticated", False) and can(user, Action.INFO_REQUEST_CREATE, commune)
    )
    request_url = ""
    if may_request:
        request_url = (
            reverse("disclosure:request_create", args=[commune.code])
            + f"?disclosure={disclosure.pk}"
        )
    return {
        "commune": commune,
        "disclosure": disclosure,
        "version": version,
        "current": current,
        "superseded": version.pk != current.pk,
        "category_label": Category(version.category).label,
        "attachments": attachments,
        "records": _record_rows(version),
        "scope": notice.scope_names(version),
        "older": [v for v in older if v.pk != version.pk],
        "request_url": request_url,
    }


@require_safe
def public_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The published version of one disclosure; a pending change stays in the back office."""
    commune = _commune(code)
    disclosure = _disclosure(commune, pk)
    version = disclosure.public_version
    assert version is not None
    context = _version_context(request, commune, disclosure, version)
    return render(request, "disclosure/public/detail.html", context)


@require_safe
def public_version(request: HttpRequest, code: str, pk: int, number: int) -> HttpResponse:
    """An older published version, readable (Art. 14: a change does not erase what was
    published), marked as replaced, with a link to the current one."""
    commune = _commune(code)
    disclosure = _disclosure(commune, pk)
    try:
        version = selectors.version_get_public(disclosure, number)
    except NotFound as error:
        raise Http404(error.message) from error
    if version.pk == disclosure.public_version_id:
        return redirect("disclosure:public_detail", code=commune.code, pk=disclosure.pk)
    context = _version_context(request, commune, disclosure, version)
    return render(request, "disclosure/public/detail.html", context)


# ---------------------------------------------------------------------------------------------
# The Atom feed


@require_safe
def public_feed(request: HttpRequest, code: str) -> HttpResponse:
    """The 30 newest published disclosures of the commune as an Atom feed."""
    return CommuneDisclosureFeed()(request, code=code)


# ---------------------------------------------------------------------------------------------
# The printable notice


def _ascii_filename(name: str, fallback: str = "tep") -> str:
    """An ASCII-only file name for the plain ``filename=`` parameter."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_only = folded.encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._()\-]+", "_", ascii_only).strip("._") or fallback
    return cleaned[:150]


@require_safe
def public_notice_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An A4 notice for the notice board (NĐ 30/2020 layout) with a QR code to this page."""
    commune = _commune(code)
    disclosure = _disclosure(commune, pk)
    version = disclosure.public_version
    assert version is not None
    url = request.build_absolute_uri(
        reverse("disclosure:public_detail", args=[commune.code, disclosure.pk])
    )
    key = (
        "disclosure-notice:"
        + hashlib.sha256("\n".join((str(version.pk), commune.name, url)).encode()).hexdigest()
    )
    pdf = cache.get(key)
    if pdf is None:
        try:
            pdf = notice.render_notice_pdf(disclosure, version, url)
        except notice.NoticeUnavailable:
            context = {"commune": commune, "disclosure": disclosure, "version": version}
            return render(request, "disclosure/public/notice_unavailable.html", context, status=503)
        cache.set(key, pdf, NOTICE_CACHE_SECONDS)
    slug = slugify(fold_vi(version.title))[:60].strip("-") or "thong-bao"
    filename = f"thong-bao-{disclosure.pk}-v{version.number}-{slug}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Stored files


def _attachment_disclosure(attachment: Attachment) -> Disclosure | None:
    if attachment.kind == Attachment.Kind.DOCUMENT and attachment.version is not None:
        return attachment.version.disclosure
    if attachment.kind == Attachment.Kind.PROOF and attachment.record is not None:
        return attachment.record.version.disclosure
    return None


def _is_public(attachment: Attachment, disclosure: Disclosure) -> bool:
    """A document of a published version of a published disclosure: public (old versions
    included). Drafts, withdrawn disclosures and proofs are not."""
    return (
        attachment.kind == Attachment.Kind.DOCUMENT
        and attachment.version is not None
        and attachment.version.published_at is not None
        and disclosure.status == Disclosure.Status.PUBLISHED
    )


@require_safe
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """Serve a stored file through the permission check; anything not allowed answers 404."""
    attachment = (
        Attachment.objects.select_related(
            "version__disclosure__commune", "record__version__disclosure__commune"
        )
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    disclosure = _attachment_disclosure(attachment)
    if disclosure is None:
        raise Http404
    public = _is_public(attachment, disclosure)
    if not public and not can(request.user, Action.DISCLOSURE_VIEW, disclosure):
        raise Http404
    try:
        path = files.stored_path(attachment.path)
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except (ValueError, OSError) as error:
        raise Http404 from error
    content_type = attachment.content_type
    if content_type not in files.KINDS.values():
        content_type = "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    name = files.safe_name(attachment.name)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not public:
        response["Cache-Control"] = "private, no-store"
    return response
