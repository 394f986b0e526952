"""The public bulletin of a secret ballot: no sign-in, no personal data.

Every counted choice is listed by the SHA-256 of its tracking code, with the option. A household
enters its tracking code to check that its ballot is counted as it chose; anyone downloads the
bulletin (CSV or JSON), recounts it — the sums equal the published tally — and recomputes the
seal written to the audit trail at the close (``selectors.bulletin_digest``). The list is
published once the vote is closed (no running tally while it is open); the check of one's own
code works while the vote is open too.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from danchu.decisions import selectors, services
from danchu.decisions.models import Matter, Option
from danchu.decisions.public_views import _commune, _public_matter

__all__ = ["bulletin_csv", "bulletin_json", "bulletin_page"]


class TrackingCodeForm(forms.Form):
    ma = forms.CharField(
        label=_("Your tracking code"), max_length=40, strip=True,
        help_text=_("The code shown when your household voted, e.g. ABCD-EFGH-JKMN."),
    )  # fmt: skip


def _secret_matter(code: str, pk: int) -> Matter:
    matter = _public_matter(_commune(code), pk)
    if not matter.secret:
        raise Http404
    return matter


def _lookup(matter: Matter, code: str) -> selectors.BulletinLine | None:
    return selectors.bulletin_lookup(matter, services.tracking_digest(matter.pk, code))


@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The bulletin; a POSTed tracking code is looked up (a POST keeps the code out of URLs
    and access logs, which also hold the voter's address)."""
    matter = _secret_matter(code, pk)
    closed = matter.status == Matter.Status.CLOSED
    form = TrackingCodeForm(request.POST if request.method == "POST" else None)
    found: selectors.BulletinLine | None = None
    looked_up = False
    if form.is_bound and form.is_valid():
        looked_up = True
        found = _lookup(matter, form.cleaned_data["ma"])
    context: dict[str, Any] = {
        "commune": matter.commune, "matter": matter, "closed": closed, "form": form,
        "looked_up": looked_up, "found": found,
        "detail_url": reverse("decisions:public_detail", args=[matter.commune.code, matter.pk]),
    }  # fmt: skip
    if closed:
        lines = selectors.bulletin(matter)
        options = list(Option.objects.filter(matter=matter).order_by("position"))
        recount = selectors.bulletin_totals(lines)
        outcome = selectors.matter_outcome(matter)
        villages = []
        for result in outcome.villages:
            mv = result.matter_village
            sums = recount.get(mv.pk, {})
            villages.append({
                "name": mv.village.name,
                "rows": [(o, sums.get(o.pk, 0), result.counts.get(o.pk, 0)) for o in options],
                "equal": all(sums.get(o.pk, 0) == result.counts.get(o.pk, 0) for o in options),
            })  # fmt: skip
        context.update(
            lines=lines, villages=villages,
            seal_matches=selectors.bulletin_digest(matter.pk, lines) == matter.bulletin_hash,
        )  # fmt: skip
    return render(request, "decisions/public/bulletin.html", context)


def _closed_lines(code: str, pk: int) -> tuple[Matter, list[selectors.BulletinLine]]:
    matter = _secret_matter(code, pk)
    if matter.status != Matter.Status.CLOSED:
        raise Http404  # published once the vote is closed: no running tally
    return matter, selectors.bulletin(matter)


@require_safe
def bulletin_csv(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    matter, lines = _closed_lines(code, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    # ``option_ids``: a board ballot with several seats, its approved candidates ("12 15").
    writer.writerow(
        ["village_code", "village", "tracking_digest", "option_id", "option", "option_ids"]
    )
    for ln in lines:
        writer.writerow([
            ln.village_code, ln.village_name, ln.tracking_digest, ln.option_id, ln.option_label,
            " ".join(str(pk) for pk in ln.option_ids),
        ])  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bang-tin-{matter.pk}.csv"'
    return response


def bulletin_payload(matter: Matter, lines: list[selectors.BulletinLine]) -> dict[str, Any]:
    """The bulletin as published (JSON download and API): ``canonical`` is the exact object
    whose compact, key-sorted JSON has the SHA-256 ``bulletin_hash``."""
    return {
        "matter": matter.pk,
        "bulletin_hash": matter.bulletin_hash,
        "canonical": json.loads(selectors.bulletin_canonical(matter.pk, lines)),
        "ballots": [
            {"village_code": ln.village_code, "village": ln.village_name,
             "tracking_digest": ln.tracking_digest, "option_id": ln.option_id,
             "option": ln.option_label, "option_ids": list(ln.option_ids)}
            for ln in lines
        ],
    }  # fmt: skip


@require_safe
def bulletin_json(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    matter, lines = _closed_lines(code, pk)
    return JsonResponse(bulletin_payload(matter, lines), json_dumps_params={"ensure_ascii": False})
