"""Reading an upload in a child process that cannot take more than its limits.

The readers bound what they can count (`pdf.MAX_PAGE_OBJECTS`, `pdf.MAX_INFLATED_BYTES`,
`docx.MAX_XML_ELEMENTS` …), but a library can still find a new way to spend minutes or
gigabytes on a few hostile kilobytes. So the worker reads in a fresh Python process whose
address space is capped (RLIMIT_AS: an allocation past it is a MemoryError, never the OOM
killer taking the worker), whose CPU time is capped (RLIMIT_CPU) and which is killed after
a wall-clock timeout. Whatever happens there, the caller gets the text or an
`UnreadableFile` that says why, and nothing of the child's memory stays in the worker.

Run as ``python -m articles.parsing.sandbox MEMORY_BYTES CPU_SECONDS TOP MAX_BYTES`` with the
file on stdin; it answers one JSON object on stdout.
"""

from __future__ import annotations

import json
import logging
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .read import read_document
from .types import DecodedDocument, UnreadableFile

log = logging.getLogger(__name__)

REPO_DIR = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    memory_bytes: int = 768 * MB
    seconds: float = 180.0
    top: bool = False  # read only the top of the file (`read_document(top=True)`)


class ReadLimitExceeded(UnreadableFile):
    """The child ran out of time or memory, or died: the file is too costly to read."""


@dataclass(frozen=True)
class ReadStats:
    seconds: float
    peak_rss_bytes: int  # the child's own high-water mark (0 when it was killed)


LAST: list[ReadStats] = []  # the latest read's figures, for the caller's log and the tests


def read_isolated(data: bytes, limits: ReadLimits, *, max_bytes: int | None = None) -> DecodedDocument:
    """`read_document` in a limited child process; `UnreadableFile` when the file cannot be
    read, `ReadLimitExceeded` when reading it would take more than `limits`."""
    cpu_seconds = str(max(1, int(limits.seconds)))
    part = "top" if limits.top else "all"
    command = [
        sys.executable, "-m", "articles.parsing.sandbox", str(limits.memory_bytes), cpu_seconds, part,
        str(max_bytes or 0),
    ]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=REPO_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = child.communicate(data, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        _record(started, 0)
        raise ReadLimitExceeded(f"file too slow to read: stopped after {limits.seconds:g} s") from None
    finally:  # timed out, or the caller interrupted (the task's soft time limit): no orphan reader
        if child.poll() is None:
            child.kill()
            child.communicate()
    try:
        answer = json.loads(out)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        _record(started, 0)
        if child.returncode in (-24, -9):  # SIGXCPU (RLIMIT_CPU), SIGKILL
            raise ReadLimitExceeded(f"file too slow to read: stopped after {limits.seconds:g} s")
        if b"MemoryError" in err:
            raise ReadLimitExceeded(_memory_message(limits))
        log.warning("reader child exited %s: %s", child.returncode, err[-2000:].decode(errors="replace"))
        raise ReadLimitExceeded(f"cannot read this file: the reader stopped (exit {child.returncode})")
    stats = _record(started, int(answer.get("peak_kb", 0)) * 1024)
    log.info("read in a child process: %.2f s, peak RSS %.0f MB", stats.seconds, stats.peak_rss_bytes / MB)
    if answer.get("memory"):
        raise ReadLimitExceeded(_memory_message(limits))
    if "refused" in answer:
        raise UnreadableFile(answer["refused"])
    return DecodedDocument(text=answer["text"], format=answer["format"], encoding=answer["encoding"])


def _memory_message(limits: ReadLimits) -> str:
    return f"file too costly to read: it needs more than {limits.memory_bytes // MB} MB of memory"


def _record(started: float, peak: int) -> ReadStats:
    stats = ReadStats(time.perf_counter() - started, peak)
    LAST[:] = [stats]
    return stats


def _child(argv: list[str]) -> dict:
    memory, cpu_seconds, top, max_bytes = int(argv[0]), int(argv[1]), argv[2] == "top", int(argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    data = sys.stdin.buffer.read()
    try:
        document = read_document(data, max_bytes=max_bytes or None, top=top)
        answer = {"text": document.text, "format": document.format, "encoding": document.encoding}
    except UnreadableFile as exc:
        answer = {"refused": str(exc)}
    except MemoryError:
        answer = {"memory": True}
    answer["peak_kb"] = _peak_rss_kb()
    return answer


def _peak_rss_kb() -> int:
    """This process's own high-water RSS (VmHWM). Not getrusage's ru_maxrss: across exec Linux
    keeps the forking parent's figure there, so a child of a big worker would report the
    worker's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    sys.stdout.buffer.write(json.dumps(_child(sys.argv[1:]), ensure_ascii=False).encode())
