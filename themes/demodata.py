"""Reading the synthetic demo content in the top-level `demo/` folder for `seed_demo`, with errors that name the place."""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.conf import settings

Entry = TypeVar("Entry")


class DemoDataError(ValueError):
    """A demo data file that does not say what its loader expects."""


def demo_path(*parts: str) -> Path:
    return Path(settings.BASE_DIR, "demo", *parts)


def read_yaml(name: str) -> Any:
    path = demo_path(name)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path}: {exc}") from exc


def entry(kind: type[Entry], value: Any, *, where: str) -> Entry:
    """`kind` (a dataclass) built from a mapping in a demo file, nested dataclasses and lists of them included.

    A missing or unknown key is reported with `where`, so a typo in a data file fails before anything is written.
    """
    if not isinstance(value, dict):
        raise DemoDataError(f"{where}: expected a mapping of 'key: value', got {value!r}")
    fields = {f.name: f for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    required = {
        name
        for name, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    problems = [f"unknown key '{key}'" for key in sorted(set(value) - set(fields))]
    problems += [f"missing key '{key}'" for key in sorted(required - set(value))]
    if problems:
        raise DemoDataError(f"{where}: {', '.join(problems)}")
    hints = typing.get_type_hints(kind)
    return kind(**{key: _nested(hints[key], item, where=f"{where}, {key}") for key, item in value.items()})


def _nested(hint: Any, value: Any, *, where: str) -> Any:
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return entry(hint, value, where=where)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and value is not None:
        inner = [arg for arg in args if arg is not type(None)]
        return _nested(inner[0], value, where=where) if len(inner) == 1 else value
    if origin in (list, tuple) and args and dataclasses.is_dataclass(args[0]):
        if not isinstance(value, list):
            raise DemoDataError(f"{where}: expected a list, got {value!r}")
        return tuple(
            _nested(args[0], item, where=f"{where} {number}") for number, item in enumerate(value, 1)
        )
    if origin is dict and len(args) == 2 and dataclasses.is_dataclass(args[1]):
        if not isinstance(value, dict):
            raise DemoDataError(f"{where}: expected a mapping, got {value!r}")
        return {key: _nested(args[1], item, where=f"{where} {key}") for key, item in value.items()}
    return value
