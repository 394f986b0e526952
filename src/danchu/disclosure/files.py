"""Uploaded files of the register: attachments (PDF, DOCX, XLSX, images) and proofs, kept in
``MEDIA_ROOT/disclosure`` and no larger than ``DISCLOSURE_FILE_MAX_BYTES`` (the checks are
:mod:`danchu.core.uploads`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from danchu.core import uploads
from danchu.core.uploads import KINDS, StoredUpload, safe_name

__all__ = [
    "KINDS",
    "StoredUpload",
    "check_and_store",
    "discard",
    "safe_name",
    "stored_path",
    "uploads_dir",
]

FOLDER = "disclosure"


def uploads_dir() -> Path:
    return uploads.uploads_dir(FOLDER)


def stored_path(relative: str) -> Path:
    """The absolute path of a stored file; refuses anything outside the uploads directory."""
    return uploads.stored_path(FOLDER, relative)


def check_and_store(uploaded: Any, *, field: str = "file") -> StoredUpload:
    """Check an uploaded file and store it; raise ValidationFailed with a field error."""
    return uploads.check_and_store(
        uploaded, folder=FOLDER, max_bytes=settings.DISCLOSURE_FILE_MAX_BYTES, field=field
    )


def discard(upload: StoredUpload) -> None:
    uploads.discard(FOLDER, upload)
