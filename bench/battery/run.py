"""Run the battery and print one summary table (test | figure | goal | met).

    createdb -h 127.0.0.1 -U postgres liaison_NAME
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_NAME REDIS_URL=redis://127.0.0.1:6379/N
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py demo_data
    .venv/bin/python bench/battery/run.py            # everything, at the sizes below
    .venv/bin/python bench/battery/run.py --quick    # small sizes, a few minutes
    .venv/bin/python bench/battery/run.py --only brute --only pii

Each part is its own script (faults, brute, pii_scan, load, outages, backup_drill), run here as a child
process; their rows are collected from var/battery/results.jsonl and printed as a Markdown table,
also written to var/battery/summary.md (paste it into the README). Exit status 1 when a goal is
not met. Uses only the database and Redis number in DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery import common  # noqa: E402

HERE = Path(__file__).resolve().parent
FULL = {
    "faults": ["--rounds", "5", "--per-round", "50", "--public", "100", "--staff", "100"],
    "brute": ["--guesses", "10000"],
    "pii": ["--submissions", "20"],
    # The size: 80 staff working cases and a public burst of 500 submissions in 10 s.
    "load": [
        *("--staff", "80", "--public-users", "50", "--burst", "500"),
        *("--burst-after", "40", "--seconds", "240", "--spawn-rate", "5"),
    ],
    "outages": [],
    "backup": [],
}
QUICK = {
    "faults": ["--rounds", "1", "--per-round", "50", "--public", "10", "--staff", "10"],
    "brute": ["--guesses", "1000"],
    "pii": ["--submissions", "4"],
    "load": ["--staff", "10", "--public-users", "5", "--burst", "50", "--seconds", "30"],
    "outages": ["--submissions", "5", "--pages", "40", "--seconds", "20", "--down", "5"],
    "backup": [],
}
SCRIPTS = {
    "faults": "faults.py",
    "brute": "brute.py",
    "pii": "pii_scan.py",
    "load": "load.py",
    "outages": "outages.py",
    "backup": "backup_drill.py",
}


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"load average {load:.1f} at the start (shared machine)"
    )


def table(rows: list[dict]) -> str:
    lines = ["| test | figure | goal | met |", "|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['test']} | {r['figure']} | {r['goal']} | {'yes' if r['ok'] else 'NO'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=list(SCRIPTS), action="append")
    parser.add_argument(
        "--report", action="store_true", help="only print the table of the rows already there"
    )
    args = parser.parse_args()
    if args.report:
        rows = [json.loads(line) for line in common.RESULTS.read_text().splitlines() if line]
        print(table(rows))
        return 0
    if not (
        os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    ):
        sys.exit("set DATABASE_URL (PostgreSQL, your own database) and REDIS_URL (your own db)")
    sizes = QUICK if args.quick else FULL
    common.OUT.mkdir(parents=True, exist_ok=True)
    common.RESULTS.unlink(missing_ok=True)
    common.reset_gateway()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    where = machine()
    t0 = time.monotonic()
    for name in args.only or list(SCRIPTS):
        common.say(f"== {name} ==")
        done = subprocess.run(
            [sys.executable, str(HERE / SCRIPTS[name]), *sizes[name]],
            cwd=common.ROOT,
            timeout=1800,
            check=False,
        )
        if done.returncode:
            common.result(name, f"the script failed (exit {done.returncode})", "runs", False)
    rows = [json.loads(line) for line in common.RESULTS.read_text().splitlines() if line]
    took = time.monotonic() - t0
    text = (
        f"Battery run {started}, {'quick' if args.quick else 'full'} sizes, {took / 60:.1f} min; "
        f"{where}.\n\n{table(rows)}\n"
    )
    load = common.OUT / "load.md"
    if load.exists() and (not args.only or "load" in args.only):
        text += f"\nLoad, per page:\n\n{load.read_text()}"
    (common.OUT / "summary.md").write_text(text)
    print("\n" + text)
    return 0 if rows and all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
