"""Vietnamese text helpers: diacritic folding for search that works on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_vi", "normalize_spaces"]

_SPACES = re.compile(r"\s+")


def fold_vi(text: str | None) -> str:
    """Fold Vietnamese text for search: NFD, drop combining marks, đ→d, lower-case, one space.

    "Nguyễn Văn Đạt" → "nguyen van dat". Stored in ``*_folded`` columns so that the same
    comparison runs on both databases ("ngan sach" finds "ngân sách").
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def normalize_spaces(text: str | None) -> str:
    """Trim and collapse white space; NFC so that equal names compare equal."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
