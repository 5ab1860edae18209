"""Tiny typed readers for settings that come from the environment.

Every knob has a safe default so that a fresh clone runs with no variables set. Our own knobs
are named ZIT_…; a knob that was renamed is still read under its old name (`old=`) when the
new one is not set, so an existing deployment keeps working.
"""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, old: tuple[str, ...]) -> tuple[str, str | None]:
    """The variable's name as set (the new one first, then the old ones) and its value."""
    for candidate in (name, *old):
        if candidate in os.environ:
            return candidate, os.environ[candidate]
    return name, None


def env_str(name: str, default: str, *, old: tuple[str, ...] = ()) -> str:
    raw = _raw(name, old)[1]
    return default if raw is None else raw


def env_bool(name: str, default: bool, *, old: tuple[str, ...] = ()) -> bool:
    name, raw = _raw(name, old)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, old: tuple[str, ...] = ()) -> int:
    name, raw = _raw(name, old)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str], *, old: tuple[str, ...] = ()) -> list[str]:
    raw = _raw(name, old)[1]
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
