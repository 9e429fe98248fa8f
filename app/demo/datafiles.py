"""Read the demo generator's data files (``app/demo/data/*.yaml``), each once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

# The C loader parses the larger files about ten times faster; PyYAML falls back to
# the pure-Python one when it was built without libyaml.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """The parsed content of ``data/<name>.yaml``; parsed on first use, then shared.

    Callers must not change what they get back: it is cached for the process.
    """
    text = resources.files("app.demo").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
