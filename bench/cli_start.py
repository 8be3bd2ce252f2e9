"""How long the command line takes to start: ``lastgate --help``, ``lastgate check`` and
``lastgate token issue``, each run as a fresh process, against the floor of a Python
process that only imports SQLAlchemy (which ``check`` cannot do without).

    .venv/bin/python -m bench.cli_start            # 15 runs of each command
    .venv/bin/python -m bench.cli_start --runs 30
    git worktree add /tmp/before <rev> && .venv/bin/python -m bench.cli_start --before /tmp/before

Prints the median and the fastest run of each command in seconds, its ratio to the
SQLAlchemy floor, and whether it is under the 0.5 s target. The database is a fresh
SQLite file with the example snapshot loaded (migrated once before timing). With
``--before DIR`` (a checkout of another revision), each command is also run from
``DIR/src`` right after this revision's runs, and the ratio this / before is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LASTGATE = [sys.executable, "-m", "lastgate.app.cli"]
TARGET_S = 0.5


def _time(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median and fastest wall time of ``runs`` fresh processes; a failure stops the bench."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):  # 1: the account is blocked, a normal answer
            raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    return statistics.median(seconds), min(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="a checkout of the revision to compare")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "LASTGATE_DATABASE_URL": f"sqlite:///{folder}/cli.db",
            "LASTGATE_LOG_LEVEL": "WARNING",
        }
        snapshot = ROOT / "docs" / "examples" / "snapshot.json"
        subprocess.run([*LASTGATE, "ledger", "import", str(snapshot)], env=env, check=True)
        uid = _first_uid(snapshot)
        cases = {
            "python -c 'import sqlalchemy' (floor)": [sys.executable, "-c", "import sqlalchemy"],
            "lastgate --help": [*LASTGATE, "--help"],
            f"lastgate check {uid}": [*LASTGATE, "check", uid],
            "lastgate token issue ops --role agent": [
                *LASTGATE,
                "token",
                "issue",
                "ops",
                "--role",
                "agent",
            ],
        }
        before_env = {**env, "PYTHONPATH": str(args.before / "src")} if args.before else None
        results, before = {}, {}
        for name, argv in cases.items():
            results[name] = _time(argv, env, args.runs)
            if before_env is not None and "floor" not in name:
                before[name] = _time(argv, before_env, args.runs)
    floor = results["python -c 'import sqlalchemy' (floor)"][0]
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"{args.runs} runs each; load average {' '.join(load)}")
    print(f"{'command':<44}{'median s':>10}{'fastest s':>11}{'÷ floor':>9}  target 0.5 s")
    for name, (median, fastest) in results.items():
        verdict = "" if "floor" in name else ("ok" if median < TARGET_S else "OVER")
        print(f"{name:<44}{median:>10.3f}{fastest:>11.3f}{median / floor:>9.2f}  {verdict}")
    for name, (median, fastest) in before.items():
        print(
            f"  before: {name:<36}{median:>10.3f}{fastest:>11.3f}{median / floor:>9.2f}"
            f"  this / before {results[name][0] / median:.2f}"
        )


def _first_uid(snapshot: Path) -> str:
    import json

    return str(json.loads(snapshot.read_text())["accounts"][0]["uid"])


if __name__ == "__main__":
    main()
