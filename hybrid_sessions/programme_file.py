"""Reading a programme file (JSON or YAML, the `POST /api/v1/events` shape)."""

import json
from pathlib import Path

import yaml

from . import schemas
from .services.errors import Invalid
from .services.events.programme import EventInput


def _times(data: object) -> None:
    """YAML 1.1 reads an unquoted 12:00 as 720 (base 60): turn such numbers back into times."""
    if not isinstance(data, dict):
        return
    for day in data.get("days") or []:
        for slot in (day.get("slots") or []) if isinstance(day, dict) else []:
            for key in ("starts_at", "ends_at"):
                if isinstance(slot, dict) and isinstance(slot.get(key), int) and 0 <= slot[key] < 24 * 60:
                    slot[key] = f"{slot[key] // 60:02d}:{slot[key] % 60:02d}"


def parse_programme(
    text: str, default_timezone: str = "Europe/Warsaw", name: str = "the programme"
) -> EventInput:
    """JSON when it starts with `{`, YAML otherwise (YAML reads most JSON too)."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise Invalid(f"{name} is not valid JSON or YAML: {exc}") from None
    _times(data)
    return schemas.parse(schemas.EventBody, data).to_input(default_timezone)


def read_programme(path: Path, default_timezone: str = "Europe/Warsaw") -> EventInput:
    return parse_programme(path.read_text(encoding="utf-8"), default_timezone, path.name)
