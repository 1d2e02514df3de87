"""The ``schema`` command: print the JSON Schema of scenario files (docs/scenarios.md).

Usage::

    python run.py schema
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from sim.cli.exits import EXIT_OK


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``schema`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    from sim.scenario import scenario_json_schema  # deferred: heavy (pydantic)

    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False), flush=True)
    return EXIT_OK
