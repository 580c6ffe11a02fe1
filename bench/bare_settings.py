"""Settings for bench_submit.py's server: Alliance's own, with the bare baseline's URL added.

Everything else (middleware, database, authentication, logging) is `alliance.settings`, read
from the same environment, so the real endpoint is served exactly as in production and the
bare view behind the same middleware. Needs the repository root on the Python path.
"""

from alliance.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_view"
