#!/usr/bin/env python3
"""Writes benches/trace.tsv: a SWIM-format trace of N map-only jobs of 20
map tasks of 128 MiB (3 s each with SWIM's defaults: 1 s of overhead and
128 MiB at 64 MiB/s), one job every 100 ms. benches/trace-replay.toml
replays it; benches/trace-synthetic.toml draws the same jobs
(docs/traces.md, "Performance").

    python3 benches/gen-trace.py --jobs 50000     # 1 M tasks
    sim benches/trace-replay.toml
    sim benches/trace-synthetic.toml
    python3 benches/gen-trace.py --jobs 500000    # 10 M tasks
    sim benches/trace-replay.toml --set run.horizon=50000s
"""
import argparse
import os


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jobs", type=int, default=50000)
    a = p.parse_args()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trace.tsv")
    with open(out, "w") as f:
        for i in range(a.jobs):
            f.write(f"job{i}\t{i / 10:g}\t0.1\t{20 * (128 << 20)}\t0\t0\n")
    print(f"{out}: {a.jobs} jobs, {20 * a.jobs} tasks")


if __name__ == "__main__":
    main()
