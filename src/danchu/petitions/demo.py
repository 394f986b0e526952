"""The demo commune's citizens' requests, reception days, dialogues and mediation cases."""

from __future__ import annotations

from typing import Any


def demo_load(commune: Any, *, seed: int, stdout: Any) -> None:
    """Load both parts of the demo (requests; reception, dialogues, mediation).

    Requests first: a reception visit accepted for handling files a request, and the requests
    demo loads only into a commune that has none yet.
    """
    from danchu.petitions.community_demo import community_demo_load
    from danchu.petitions.requests_demo import demo_load as requests_demo_load

    requests_demo_load(commune, seed=seed, stdout=stdout)
    community_demo_load(commune, seed=seed, stdout=stdout)


def demo_reset(commune: Any) -> None:
    """Remove the demo rows of both parts."""
    from danchu.petitions.community_demo import community_demo_reset

    community_demo_reset(commune)
    from danchu.petitions.requests_demo import demo_reset as requests_demo_reset

    requests_demo_reset(commune)
