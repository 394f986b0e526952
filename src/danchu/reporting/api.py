"""``/api/v1/`` for indicators, review reports, key tasks and awards.

The indicators' operations live in :mod:`danchu.reporting.indicator_api`; the review reports'
and the steering part's routers are mounted once their modules exist.
"""

from __future__ import annotations

import importlib

from ninja import Router

from danchu.reporting.indicator_api import router as indicator_router

__all__ = ["router"]

router = Router(tags=["reporting"])
router.add_router("", indicator_router)

for _part in ("review_api", "steering_api"):
    _name = f"danchu.reporting.{_part}"
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as error:
        if error.name != _name:
            raise
        continue
    router.add_router("", _module.router)
