"""``/api/v1/`` for citizens' requests: the requests part and the community part."""

from ninja import Router

from danchu.petitions.community_api import router as community_router
from danchu.petitions.requests_api import router as requests_router

router = Router()
router.add_router("", requests_router)
router.add_router("", community_router)
