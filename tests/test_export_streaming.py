"""Exports stream with bounded memory (issue 15, item 14).

Why: a 283k-row XLSX took 66 s and 0.7 GB in the web worker — every project was loaded at
once and the whole file was built in memory before the first byte left. Here the response is
a streaming one, every row is in it with the same header, and the memory Python allocates
while the file is asked for and read grows far less than the number of rows.
"""

from __future__ import annotations

import csv
import io
import tempfile
import tracemalloc

import pytest
from openpyxl import load_workbook

from projects import exports
from tests.exported import split_export
from tests.factories import make_export_projects

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1_000, 10_000


def _rows(fmt: str, body: bytes) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _export(client, fmt: str) -> tuple[object, bytes, int]:
    """The response, its body and the peak of Python's allocations while asking and reading."""
    with tempfile.TemporaryFile() as received:  # on disk, as a client would keep it
        tracemalloc.start()
        try:
            response = client.get(f"/exports/projects.{fmt}?range=all")
            for chunk in response.streaming_content if response.streaming else [response.content]:
                received.write(chunk)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        received.seek(0)
        return response, received.read(), peak


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_streams_every_row_under_the_same_header(client_as, fmt):
    client = client_as("analyst")
    make_export_projects(SMALL)
    response, body, _peak = _export(client, fmt)
    assert response.status_code == 200 and response.streaming
    preamble, header, rows = split_export(_rows(fmt, body))
    assert header == exports.project_header()
    assert preamble and len(rows) == SMALL
    assert {row[2] for row in rows} == {f"导出测试项目{i}" for i in range(SMALL)}
    investors = [row[header.index("投资方")] for row in rows]
    assert ("'=SUM(A1)" if fmt == "csv" else "=SUM(A1)") in investors


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_memory_does_not_grow_with_the_rows(client_as, fmt, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 250, raising=False)  # several chunks in the small export too
    client = client_as("analyst")
    make_export_projects(SMALL)
    _export(client, fmt)  # warm up: imports, translations, caches
    _response, body, small = _export(client, fmt)
    assert len(split_export(_rows(fmt, body))[2]) == SMALL
    make_export_projects(LARGE - SMALL)
    _response, body, large = _export(client, fmt)
    assert len(split_export(_rows(fmt, body))[2]) == LARGE
    print(f"{fmt}: peak {small / 1e6:.1f} MB for {SMALL} rows, {large / 1e6:.1f} MB for {LARGE} rows")
    # 10x the rows: a peak that grew with them would be ~10x (it was: see docs/benchmarks.md).
    assert large < 2 * small, (small, large)
