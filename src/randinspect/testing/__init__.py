"""Testing help for randinspect users: Hypothesis strategies and conformance checks for plug-in policies.

``randinspect.testing.strategies`` holds Hypothesis strategies for the library's types (Hypothesis is a test
extra: ``pip install randinspect[tests]``). The ``check_*`` functions run the guarantees of each Protocol
against a user's own implementation, in the spirit of scikit-learn's ``check_estimator``.
"""

from __future__ import annotations

__all__: list[str] = []
