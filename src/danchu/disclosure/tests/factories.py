"""Test helpers for the disclosure register: make disclosures through the services."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from danchu.disclosure import services
from danchu.disclosure.models import Disclosure
from danchu.disclosure.rules import Category

# A real (tiny) PDF, PNG and JPEG header: enough for the type check.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def pdf_file(name: str = "quyet-dinh.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_file(name: str = "bang-tin.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def docx_file(name: str = "van-ban.docx") -> SimpleUploadedFile:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def data(**overrides: Any) -> services.DisclosureData:
    values: dict[str, Any] = {
        "category": Category.SOCIAL_SUPPORT,
        "title": "Danh sách hộ nghèo, hộ cận nghèo năm 2026",
        "summary": "Kết quả bình xét hộ nghèo của các thôn.",
        "body": "Danh sách kèm theo.",
        "source_document": "Quyết định số 12/QĐ-UBND",
        "source_issued_on": datetime.date(2026, 11, 2),
    }
    values.update(overrides)
    return services.DisclosureData(**values)


def make_disclosure(
    actor: Any, commune: Any, *, publish: bool = False, **overrides: Any
) -> Disclosure:
    disclosure = services.disclosure_create(actor=actor, commune=commune, data=data(**overrides))
    if publish:
        disclosure = services.disclosure_publish(actor=actor, disclosure=disclosure)
    return disclosure
