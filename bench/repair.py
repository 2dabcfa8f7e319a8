"""Text repair: ours vs ftfy alone.

1. Lossy mojibake (``--data``, JSON Lines with ``broken`` and ``clean``): ``exact_rate`` (share of
   items restored exactly) and ``stray_left`` (``â``/``Â`` left in the output, summed).
2. ftfy's own test cases (``--ftfy-cases``, a folder of JSON lists): the share of cases marked
   ``pass`` whose output equals the expected encoding fix (``fixed-encoding`` where given, else
   ``fixed``), and for ``negative.json`` the share that came back unchanged.

Only the encoding repairs run here (whitespace and merged-word repair are off) so both systems are
judged on the same task.

    python bench/repair.py [--data ../shared/datasets/mojibake-lossy.jsonl] [--ftfy-cases DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def ours(text: str) -> str:
    from storyline.config import RepairConfig
    from storyline.text.repair import repair_text

    config = RepairConfig(split_merged_words=False, normalize_whitespace=False)
    return repair_text(text, config).text


def ftfy_alone(text: str) -> str:
    import ftfy

    return ftfy.fix_encoding(text)


SYSTEMS: dict[str, Callable[[str], str]] = {"ours": ours, "ftfy": ftfy_alone}


def lossy(path: Path, system: Callable[[str], str]) -> dict[str, float]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    exact = stray = 0
    start = time.perf_counter()
    for item in items:
        fixed = system(item["broken"])
        exact += fixed == item["clean"]
        stray += fixed.count("â") + fixed.count("Â")
    elapsed = time.perf_counter() - start
    return {
        "exact_rate": round(exact / len(items), 4),
        "exact": exact,
        "items": len(items),
        "stray_left": stray,
        "stray_in_input": sum(i["broken"].count("â") + i["broken"].count("Â") for i in items),
        "items_per_s": round(len(items) / elapsed, 1),
    }


def ftfy_cases(folder: Path, system: Callable[[str], str]) -> dict[str, float]:
    passed = total = negative_ok = negative_total = 0
    for path in sorted(folder.glob("*.json")):
        cases = json.loads(path.read_text(encoding="utf-8"))
        for case in cases:
            if case.get("expect") != "pass":
                continue
            output = system(case["original"])
            if path.name == "negative.json":
                negative_total += 1
                negative_ok += output == case["original"]
                continue
            total += 1
            passed += output == case.get("fixed-encoding", case["fixed"])
    return {
        "ftfy_cases_pass_rate": round(passed / total, 4) if total else 0.0,
        "ftfy_cases": total,
        "negative_unchanged_rate": round(negative_ok / negative_total, 4) if negative_total else 0.0,
        "negative_cases": negative_total,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED / "mojibake-lossy.jsonl")
    parser.add_argument("--ftfy-cases", type=Path, default=SHARED / "mojibake-ftfy")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}: pass --data", file=sys.stderr)
        return 2
    results: dict[str, dict[str, float]] = {}
    for name, system in SYSTEMS.items():
        results[name] = lossy(args.data, system)
        if args.ftfy_cases.is_dir():
            results[name].update(ftfy_cases(args.ftfy_cases, system))
    ours_result = results.pop("ours")
    if args.json:
        print(json.dumps({"ours": ours_result, "peers": results}, indent=2))
        return 0
    keys = [k for k in ours_result if k.endswith(("rate", "stray_left"))]
    print(f"{'metric':<26}{'ours':>10}{'ftfy':>10}{'ratio':>10}")
    for key in keys:
        mine, theirs = ours_result[key], results["ftfy"][key]
        ratio = f"{mine / theirs:10.3f}" if theirs else f"{'n/a':>10}"
        print(f"{key:<26}{mine:>10}{theirs:>10}{ratio}")
    print(f"(lossy items: {ours_result['items']}; ftfy cases: {ours_result.get('ftfy_cases', 0)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
