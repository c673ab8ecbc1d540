"""randinspect: credit-based "double random, one public" (双随机、一公开) market supervision.

Objects to inspect are drawn at random with exact, verifiable inclusion probabilities; inspectors are matched
at random under the group rules; plans and results are made public.
"""

from __future__ import annotations

from randinspect.errors import RandInspectError
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE, Department, OrderedScale, SubjectKind

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_CREDIT_SCALE",
    "DEFAULT_RISK_SCALE",
    "Department",
    "OrderedScale",
    "RandInspectError",
    "SubjectKind",
    "__version__",
]
