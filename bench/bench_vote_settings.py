"""Settings for ``bench/online_votes.py``: the project's settings, plus the bare floor URL.

Same middleware, database options and DEBUG (off) as production; only the root URLconf adds
``/bench/ok/`` (``bench_vote_urls``).
"""

from danchu.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_vote_urls"
