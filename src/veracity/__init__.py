"""veracity: check the factual claims of news articles against evidence you control.

The library's entry points, loaded on first use so that `import veracity` stays light:
`score(documents, claims)`, `Scorer` and `check_text(text, evidence)` (`veracity.api`), and `Checker`
(`veracity.checker`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"
__all__ = ["Checker", "Score", "Scorer", "__version__", "check_text", "score"]

_LAZY = {
    "Checker": "veracity.checker",
    "Score": "veracity.api",
    "Scorer": "veracity.api",
    "score": "veracity.api",
    "check_text": "veracity.api",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'veracity' has no attribute {name!r}")
