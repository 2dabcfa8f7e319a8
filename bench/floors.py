"""Quality floors: ``bench/floors.json``, written by the benchmarks, read by the quality gate.

A benchmark that guards a figure measures it in one function, ``gate_figures``, that both sides call:

- ``python bench/NAME.py --pin`` runs it and records each figure here with ``pin``: the measured
  value, the slack allowed, the floor (value - slack; a ceiling, value + slack, for a figure where
  lower is better), the date, the command and the data it ran on;
- ``tests/test_quality_gate.py`` runs the same function and ``check``s the result against this
  file, so no number is typed into the test.

Every figure is measured with the default configuration (``PipelineConfig()`` and the configs in
it), on the items the gate runs; a benchmark that has to depart from a default for its task says so
in its record's ``config``. The slack is ``RELATIVE_SLACK`` of the value unless a figure states its
own, with its reason. Raise a floor by running ``--pin`` again after a change that raises the score
(say so in the commit); a change that lowers a figure below its floor fails the gate.

Adding a benchmark (the test part of ``bench/briefs_quality.py`` is next):
1. in the benchmark, ``gate_figures(...) -> dict[str, float | Figure]``: the figures, measured with
   the default configuration;
2. in its ``main``, ``--pin``::

       parser.add_argument("--pin", action="store_true", help="... write them to bench/floors.json")
       ...
       if args.pin:
           import floors  # bench/ is on the path of a script run from it

           floors.pin("NAME", gate_figures(...), data="what it ran on")
           return 0

3. run ``python bench/NAME.py --pin`` and commit ``bench/floors.json``;
4. in ``tests/test_quality_gate.py``, add NAME to ``GATED`` and a test that calls the same
   ``gate_figures`` and ``assert_floors("NAME", ...)`` (``test_every_pinned_benchmark_is_gated``
   fails until it is there).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

FILE = Path(__file__).with_name("floors.json")
# Every benchmark here is deterministic on one machine (no sampling; hedges' folds are seeded), so
# the slack is not for noise between runs: it is the room a change may take before it has to argue
# for a lower floor, and it absorbs the int8 embedder's small differences between CPU families.
# Half a percent: the median of the hand-typed slacks it replaces (0.3% to 2.1%).
RELATIVE_SLACK = 0.005


@dataclass(frozen=True, slots=True)
class Figure:
    """A measured figure with what differs from the defaults: lower is better, or a stated slack."""

    value: float
    lower_is_better: bool = False
    slack: float | None = None  # None: RELATIVE_SLACK of the value
    why: str = ""  # the reason for a stated slack


def load() -> dict[str, Any]:
    if not FILE.exists():
        return {}
    loaded: dict[str, Any] = json.loads(FILE.read_text(encoding="utf-8"))
    return loaded


def pin(benchmark: str, figures: dict[str, float | Figure], *, data: str, config: str = "defaults") -> None:
    """Record ``figures`` as ``benchmark``'s floors (replacing its old ones) and print them."""
    entries: dict[str, dict[str, Any]] = {}
    for name, given in figures.items():
        figure = given if isinstance(given, Figure) else Figure(float(given))
        slack = round(abs(figure.value) * RELATIVE_SLACK, 4) if figure.slack is None else figure.slack
        entry: dict[str, Any] = {"value": figure.value, "slack": slack}
        if figure.lower_is_better:
            entry["ceiling"] = round(figure.value + slack, 4)
        else:
            entry["floor"] = round(figure.value - slack, 4)
        if figure.why:
            entry["why"] = figure.why
        entries[name] = entry
    script = Path(sys.argv[0]).resolve()
    command = " ".join(["python", f"bench/{script.name}", *sys.argv[1:]])
    everything = load()
    everything["#"] = (
        "Quality floors, written by `python bench/NAME.py --pin` and read by tests/test_quality_gate.py; "
        "see bench/floors.py. floor = value - slack (ceiling = value + slack where lower is better)."
    )
    everything[benchmark] = {
        "date": date.today().isoformat(),
        "command": command,
        "data": data,
        "config": config,
        "figures": entries,
    }
    ordered = {"#": everything.pop("#"), **dict(sorted(everything.items()))}
    FILE.write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({benchmark: everything[benchmark]}, indent=1, ensure_ascii=False))
    print(f"pinned in {FILE}")


def check(benchmark: str, measured: dict[str, float | Figure]) -> list[str]:
    """What falls short of ``benchmark``'s pinned floors (or was not measured): empty when all hold."""
    record = load().get(benchmark)
    if record is None:
        return [f"no floors pinned for {benchmark}: run python bench/{benchmark}.py --pin"]
    failures = []
    for name, entry in record["figures"].items():
        if name not in measured:
            failures.append(f"{benchmark}.{name} was not measured")
            continue
        given = measured[name]
        value = given.value if isinstance(given, Figure) else float(given)
        if "floor" in entry and value < entry["floor"]:
            failures.append(
                f"{benchmark}.{name} fell to {value} (floor {entry['floor']}: pinned {entry['value']} "
                f"on {record['date']} minus slack {entry['slack']})"
            )
        if "ceiling" in entry and value > entry["ceiling"]:
            failures.append(
                f"{benchmark}.{name} rose to {value} (ceiling {entry['ceiling']}: pinned {entry['value']} "
                f"on {record['date']} plus slack {entry['slack']})"
            )
    return failures
