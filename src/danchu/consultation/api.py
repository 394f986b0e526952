"""``/api/v1/`` for consultations: the opinions part and the opinion-map part."""

from ninja import Router

from danchu.consultation.map_api import router as map_router
from danchu.consultation.opinion_api import router as opinion_router

router = Router()
router.add_router("", opinion_router)
router.add_router("", map_router)
