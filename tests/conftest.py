"""Test configuration: Hypothesis profiles.

``ci`` (the default when the ``CI`` environment variable is set) is derandomized, so a CI run always tries the
same examples and never fails by chance; ``dev`` explores new examples on every run and keeps a database of
failures. Choose one with ``HYPOTHESIS_PROFILE=dev``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=50,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=50, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
