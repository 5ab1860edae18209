"""Benchmark: one very long sentence (a file whose full stops were lost) through the parser.

    .venv/bin/python bench/long_sentence.py [--sizes-kb 205 410 820] [--mb 19] [--repo PATH] [--zoneless]

The text is the bench bulletin (bench/bulletin.py: our own articles of signings, starts,
operations and meetings) with every sentence end and line break replaced by "，": one
paragraph, one article, one sentence ending in "。" — amounts, stage verbs, project names,
companies and zones all in the same sentence. Each size is parsed in a fresh subprocess by
`articles.parsing.pipeline.parse_bytes` of the checkout at --repo (default: this one, so
that main's parser can be timed with the same text), which reports wall and CPU seconds,
the peak resident memory (getrusage maxrss) and the facts found. Goal: time linear in the
size (issue 15: 205 KB 2.2 s, 410 KB 7.0 s, 820 KB 26.5 s before), and an upload-sized text
(UPLOAD_MAX_BYTES is 20 MB) well inside the parse task's 600 s soft time limit.

`--zoneless`: the sentence names no zone, city, province or event at all (`zoneless_sentence`:
companies, projects, amounts and stage verbs only), so that every amount's zone is looked for
through all of attribution's rules — the sentence's own zones, a reference back, the next
sentence, another scope (a city, a province, an event) named in its clause — and none answers.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from bench.bulletin import BUSINESSES, Writer, bulletin_text  # noqa: E402
from bench.machine import print_machine  # noqa: E402

_ENDS = re.compile(r"[。！？!?\n]+")


def long_sentence(size_bytes: int, seed: int = 7) -> str:
    """About `size_bytes` of UTF-8 text in one sentence: the bulletin's clauses joined by "，"."""
    return _ENDS.sub("，", bulletin_text(size_bytes, seed=seed)).strip("，") + "。"


# Clauses of a zone-less sentence: no zone, city, province, scope word (全市) or event in them.
ZONELESS_CLAUSES = (
    "{company}{business}项目签约，总投资{amount}",
    "由{company}投资建设的{business}生产基地项目开工，计划投资{amount}",
    "{company}拟投资{amount}建设{business}项目",
    "{short}{business}项目一期投资{amount}，达产后年产值{amount2}",
    "{company}{business}项目正式投产，新增就业岗位{jobs}个",
    "{short}与{short2}签署合作协议，合作金额{amount2}",
)


def zoneless_sentence(size_bytes: int, seed: int = 7) -> str:
    """About `size_bytes` of UTF-8 text in one sentence that names no zone and no other scope:
    invented companies (bench/bulletin.py's), their projects, amounts and stage verbs, joined by
    "，" and ending in "。"."""
    writer = Writer(seed)
    parts, size = [], 0
    while size < size_bytes:
        company, business = writer.company(), writer.rnd.choice(BUSINESSES)[0]
        part = writer.rnd.choice(ZONELESS_CLAUSES).format(
            company=company,
            short=company[:4],
            short2=writer.company()[:4],
            business=business,
            amount=writer.amount(),
            amount2=writer.amount(),
            jobs=writer.rnd.randrange(100, 5000),
        )
        parts.append(part)
        size += len(part.encode("utf-8")) + 3
    return "，".join(parts) + "。"


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {repo!r})
data = open({path!r}, "rb").read()
from articles.parsing.pipeline import parse_bytes
from articles.parsing.zones import load_gazetteer
gazetteer = load_gazetteer()
start, cpu = time.perf_counter(), time.process_time()
parsed = parse_bytes(data, gazetteer=gazetteer)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
quotes = sum(len(p.quote) for a in parsed.articles for p in a.projects)
quotes += sum(len(b.quote) for a in parsed.articles for b in a.batches)
print(json.dumps(dict(bytes=len(data), seconds=seconds, cpu=cpu, peak_mb=peak,
                      articles=len(parsed.articles),
                      projects=sum(len(a.projects) for a in parsed.articles),
                      batches=sum(len(a.batches) for a in parsed.articles),
                      quote_chars=quotes)))
"""


def run(size: int, repo: Path, zoneless: bool = False) -> dict:
    """Parse the text in a fresh process with --repo's parser (the text is made here, so that
    the same bytes go to both parsers; written to a file the child reads before its clock)."""
    text = zoneless_sentence(size) if zoneless else long_sentence(size)
    with tempfile.NamedTemporaryFile(suffix=".txt") as f:
        f.write(text.encode("utf-8"))
        f.flush()
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(repo=str(repo), path=f.name)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"},
            cwd=str(repo),
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes-kb", type=int, nargs="*", default=[205, 410, 820])
    parser.add_argument("--mb", type=float, nargs="*", default=[], help="also these sizes, in MB")
    parser.add_argument("--repo", type=Path, default=REPO_DIR, help="checkout whose parser is timed")
    parser.add_argument("--zoneless", action="store_true", help="a sentence naming no zone or other scope")
    args = parser.parse_args()
    what = "One long zone-less sentence" if args.zoneless else "One long sentence"
    print(f"{what} through parse_bytes (parser of {args.repo})")
    print_machine()
    sizes = [kb * 1024 for kb in args.sizes_kb] + [int(mb * 1024 * 1024) for mb in args.mb]
    first = None
    for size in sizes:
        r = run(size, args.repo, args.zoneless)
        first = first or r
        per_mb = r["cpu"] / (r["bytes"] / 1024 / 1024)
        rel = per_mb / (first["cpu"] / (first["bytes"] / 1024 / 1024))
        print(
            f"  {r['bytes'] / 1024:9.0f} KB: wall {r['seconds']:7.2f} s, CPU {r['cpu']:7.2f} s "
            f"({per_mb:.2f} s/MB, {rel:.2f}× the first size's), peak RSS {r['peak_mb']:.0f} MB, "
            f"{r['articles']} article(s), {r['projects']} projects, {r['batches']} batches, "
            f"quotes {r['quote_chars'] / 1e6:.1f} M characters"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
