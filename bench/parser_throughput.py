"""Benchmark 1: parser throughput, memory and linearity, against jieba in the same run.

    .venv/bin/python bench/parser_throughput.py [--sizes 1 5 10]

For each size, a fresh subprocess generates the bulletin (bench/bulletin.py), then parses it
with the production pipeline (`articles.parsing.pipeline.parse_bytes`) and reports the
time and its peak resident memory (getrusage maxrss, minus the RSS before the parse); a
second subprocess segments the same text with `jieba.lcut` (dictionary loaded before the
clock starts). Ratios are of times measured in this run. Goals: ≥ 1 MB/s, no slower than
jieba, peak < 300 MB, time linear in size. CPU seconds (process time) are printed beside the
wall-clock ones: on a machine shared with other work the wall clock measures the neighbours
too, the CPU time much less so.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from bench.machine import print_machine  # noqa: E402

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from bench.bulletin import bulletin_bytes
data = bulletin_bytes({size})
def rss_mb():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) / 1024
if {what!r} == 'parse':
    from articles.parsing.pipeline import parse_bytes
    from articles.parsing.zones import load_gazetteer
    gazetteer = load_gazetteer()
    before = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    parsed = parse_bytes(data, gazetteer=gazetteer)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    counts = dict(articles=len(parsed.articles), projects=sum(len(a.projects) for a in parsed.articles),
                  batches=sum(len(a.batches) for a in parsed.articles))
else:
    import logging, jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    text = data.decode('utf-8')
    before = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    words = jieba.lcut(text)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    counts = dict(words=len(words))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(bytes=len(data), seconds=seconds, cpu=cpu, peak_mb=peak, before_mb=before, **counts)))
"""


def run(what: str, size: float) -> dict:
    code = CHILD.format(repo=str(REPO_DIR), size=size, what=what)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 10])
    args = parser.parse_args()
    print("Benchmark 1: parser throughput (production pipeline vs jieba.lcut, same text, same run)")
    print_machine()
    results = []
    for size in args.sizes:
        ours, jieba = run("parse", size), run("jieba", size)
        mb = ours["bytes"] / 1024 / 1024
        results.append((size, ours, jieba))
        print(
            f"  {mb:5.1f} MB: parse {ours['seconds']:6.2f} s = {mb / ours['seconds']:.2f} MB/s, "
            f"peak RSS {ours['peak_mb']:.0f} MB (+{ours['peak_mb'] - ours['before_mb']:.0f} MB for the parse), "  # noqa: E501
            f"{ours['articles']} articles, {ours['projects']} projects, {ours['batches']} batches | "
            f"jieba {jieba['seconds']:6.2f} s = {mb / jieba['seconds']:.2f} MB/s | "
            f"parse/jieba time ratio {ours['seconds'] / jieba['seconds']:.2f}"
        )
        print(
            f"         CPU: parse {ours['cpu']:6.2f} s = {mb / ours['cpu']:.2f} MB/s | "
            f"jieba {jieba['cpu']:6.2f} s | parse/jieba CPU ratio {ours['cpu'] / jieba['cpu']:.2f}"
        )
    _first_size, first, _ = results[0]
    print("  linearity (seconds per MB relative to the smallest size):")
    for size, ours, _jieba in results:
        per_mb = ours["seconds"] / ours["bytes"]
        print(f"    {size:g} MB: {per_mb / (first['seconds'] / first['bytes']):.2f}×")
    _last_size, last, last_jieba = results[-1]
    mb = last["bytes"] / 1024 / 1024
    verdict = {
        "≥ 1 MB/s": mb / last["seconds"] >= 1,
        "no slower than jieba": last["seconds"] <= last_jieba["seconds"],
        "peak < 300 MB": last["peak_mb"] < 300,
        "linear (per-MB cost within 1.3× of the smallest)": all(
            (o["seconds"] / o["bytes"]) <= 1.3 * (first["seconds"] / first["bytes"]) for _s, o, _j in results
        ),
    }
    for goal, met in verdict.items():
        print(f"  goal {goal}: {'MET' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
