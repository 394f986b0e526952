"""Steering and review data (chỉ đạo, sơ kết, tổng kết).

Sections, one per part of the app: roll-ups of the indicators; review reports; steering plans,
key tasks, emulation rounds and awards.
"""

from __future__ import annotations

from django.db import models  # noqa: F401

# --- roll-ups (figures per village and day) ---------------------------------------------


# --- review reports (báo cáo sơ kết, tổng kết) --------------------------------------------


# --- steering plans, key tasks, emulation and awards --------------------------------------
