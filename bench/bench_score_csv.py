"""Benchmark `alliance score phq9 --csv`: rows per second and peak memory.

Writes a deterministic CSV of PHQ-9 responses to a temporary file for each size, scores it with
the command line in a child process, and prints a markdown table. A run with a header and no
rows gives the baseline memory of the interpreter and the package, so the rows can be compared
with it: if memory is flat, every size peaks at about the baseline.

    python bench/bench_score_csv.py                 # 100,000 and 1,000,000 rows
    python bench/bench_score_csv.py 250000          # other sizes
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEMS = [f"phq9_{n}" for n in range(1, 10)]
SEED = 20060101


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(SEED)
    digits = "0123"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("id," + ",".join(ITEMS) + "\n")
        for n in range(rows):
            # 18 random bits give nine answers of 0-3 with one call to the generator.
            bits = rng.getrandbits(18)
            cells = ",".join(digits[(bits >> shift) & 3] for shift in range(0, 18, 2))
            out.write(f"r{n},{cells}\n")


def score_file(csv_path: Path, fmt: str, out_path: Path) -> tuple[float, int]:
    """Seconds taken and peak RSS in bytes of one `score --csv` run."""
    command = [sys.executable, "-m", "alliance.psychometrics.cli", "score", "phq9"]
    command += ["--csv", str(csv_path), "--format", fmt]
    with out_path.open("w") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        # wait4 gives this child's own peak; getrusage(RUSAGE_CHILDREN) would report the
        # largest peak of every child so far, hiding a smaller later run behind a larger one.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            sys.exit(f"score failed with status {child.returncode}:\n{err.read()}")
    # ru_maxrss is in kibibytes on Linux and in bytes on macOS.
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return seconds, peak


def count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--format", choices=("jsonl", "csv"), nargs="+", default=["jsonl", "csv"])
    args = parser.parse_args()

    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs\n"
    )
    print("| rows | format | seconds | rows/s | peak RSS (MiB) |")
    print("|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in [0, *args.rows]:
            csv_path = Path(tmp) / f"phq9-{rows}.csv"
            write_csv(csv_path, rows)
            for fmt in args.format:
                out_path = Path(tmp) / f"scored.{fmt}"
                seconds, peak = score_file(csv_path, fmt, out_path)
                expected = rows + (1 if fmt == "csv" else 0)
                if count_lines(out_path) != expected:
                    sys.exit(f"expected {expected} output lines for {rows} rows")
                rate = f"{rows / seconds:,.0f}" if rows else "–"
                label = f"{rows:,}" if rows else "0 (baseline)"
                print(f"| {label} | {fmt} | {seconds:.2f} | {rate} | {peak / 2**20:.1f} |")
                out_path.unlink()
            csv_path.unlink()


if __name__ == "__main__":
    main()
