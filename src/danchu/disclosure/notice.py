"""The printable notice (thông báo) of a disclosure, for the notice boards: A4, PDF.

Law 10/2022 Art. 13(2) requires posting at the commune office and at each village's cultural
house; this is the sheet that gets pinned there. Its layout follows NĐ 30/2020/NĐ-CP Annex I
(national title and motto, issuing body, place and date, document type and summary, Times New
Roman, margins top/bottom 20 mm, left 30 mm, right 15 mm). A QR code leads to the online page,
where the attachments and later versions are.

WeasyPrint needs Pango from the system; where it cannot load, :class:`NoticeUnavailable` lets
the page answer 503 instead of failing.
"""

from __future__ import annotations

from datetime import date
from types import ModuleType
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from danchu.disclosure.models import Disclosure, DisclosureVersion
from danchu.disclosure.rules import Category
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "NoticeUnavailable",
    "notice_html",
    "place_and_date",
    "qr_data_uri",
    "render_notice_pdf",
    "scope_names",
]


class NoticeUnavailable(Exception):
    """The PDF engine cannot run here (WeasyPrint or its system libraries are missing)."""


def _weasyprint() -> ModuleType:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango/HarfBuzz libraries not found
        raise NoticeUnavailable(str(error)) from error
    return weasyprint


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI (vector: sharp at any print size)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000"))


def place_name(commune: AdministrativeUnit) -> str:
    """NĐ 30/2020: the place is the unit's proper name, without "Xã", "Phường", "Đặc khu"."""
    prefix = f"{commune.unit_type} " if commune.unit_type else ""
    if prefix and commune.name.startswith(prefix):
        return commune.name[len(prefix) :]
    return commune.name


def place_and_date(commune: AdministrativeUnit, day: date) -> str:
    """ "Can Lộc, ngày 05 tháng 01 năm 2026": days below 10 and the months 1 and 2 get a
    leading zero (NĐ 30/2020 Annex I, box 4)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place_name(commune)}, ngày {day.day:02d} tháng {month} năm {day.year}"


def scope_names(version: DisclosureVersion) -> list[str]:
    """The names of the villages in the version's scope; empty for the whole commune."""
    if version.all_villages:
        return []
    return list(
        Village.objects.filter(pk__in=version.scope_rows.values("village_id"))
        .order_by("name")
        .values_list("name", flat=True)
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def notice_context(disclosure: Disclosure, version: DisclosureVersion, url: str) -> dict[str, Any]:
    commune = disclosure.commune
    published = (
        timezone.localdate(version.published_at)
        if version.published_at is not None
        else timezone.localdate()
    )
    return {
        "commune": commune,
        "commune_upper": commune.name.upper(),
        "place_and_date": place_and_date(commune, published),
        "disclosure": disclosure,
        "version": version,
        "category_label": Category(version.category).label,
        "published_on": published,
        # On paper each line is its own indented paragraph (NĐ 30/2020 Annex I, box 6).
        "paragraphs": _paragraphs(version.summary) + _paragraphs(version.body),
        "scope": scope_names(version),
        "attachments": [a.name for a in version.attachments.all()],
        "url": url,
        "qr": qr_data_uri(url),
    }


def notice_html(disclosure: Disclosure, version: DisclosureVersion, url: str) -> str:
    """The notice as HTML for the PDF engine, always in Vietnamese (it goes on the board)."""
    with translation.override("vi"):
        return render_to_string(
            "disclosure/public/notice.html", notice_context(disclosure, version, url)
        )


def render_notice_pdf(disclosure: Disclosure, version: DisclosureVersion, url: str) -> bytes:
    """The notice of ``version`` as PDF bytes, with a QR code leading to ``url``.

    Nothing is fetched from the network or the disk: the only image (the QR code) is a data URI
    and the fetcher refuses every other scheme.
    """
    weasyprint = _weasyprint()
    html = notice_html(disclosure, version, url)
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher)
        pdf = document.write_pdf()
    except OSError as error:  # a library that loads lazily (fonts, Pango) failed
        raise NoticeUnavailable(str(error)) from error
    assert isinstance(pdf, bytes)
    return pdf
