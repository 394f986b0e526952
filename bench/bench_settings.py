"""Settings for the web benchmarks in bench/: the project's settings, plus the bench URLs.

Same middleware, templates, database options and DEBUG (off) as production; only the root
URLconf adds the bare floor views (``bench_urls``). Used by ``bench/public_disclosures.py``.
"""

from danchu.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
