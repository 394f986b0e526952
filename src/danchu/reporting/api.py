"""``/api/v1/`` for indicators, review reports, key tasks and awards: each part keeps its own
router (indicator_api, review_api, steering_api), mounted here."""

from __future__ import annotations

from ninja import Router

from danchu.reporting.indicator_api import router as indicator_router
from danchu.reporting.review_api import router as review_router
from danchu.reporting.steering_api import router as steering_router

__all__ = ["router"]

router = Router(tags=["reporting"])
router.add_router("", indicator_router)
router.add_router("", review_router)
router.add_router("", steering_router)
