"""The duplicate-suggestion evaluation set (see benchmarks/README.md, "Duplicate suggestions")."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_lists() -> list[dict]:
    """Every list: {"name", "title", "split": "dev"|"held-out", "posts": [{"id","room","text","cluster"}]}."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*.json"))]
