"""The worker's read in a limited child process (issue 15): the text of an ordinary file, the
reader's own refusals passed through, and a file that needs more memory or time than the child
is given stopped with a reason (`ReadLimitExceeded`), the worker untouched."""

from __future__ import annotations

import pytest

from articles.parsing.read import read_document
from articles.parsing.sandbox import LAST, ReadLimitExceeded, ReadLimits, read_isolated
from articles.parsing.types import UnreadableFile
from tests import hostile_files

MB = 1024 * 1024


def test_the_child_reads_what_the_reader_reads(sample_bytes):
    data = sample_bytes("bulletin-sample.pdf")
    assert read_isolated(data, ReadLimits()) == read_document(data)
    assert 0 < LAST[0].peak_rss_bytes < 768 * MB


def test_the_readers_refusals_come_back_as_they_are():
    data = hostile_files.pdf_file(b"BT /F1 9 Tf 72 720 Td (x) Tj ET")
    with pytest.raises(UnreadableFile, match="truncated PDF") as refused:
        read_isolated(data[: len(data) // 2], ReadLimits())
    assert not isinstance(refused.value, ReadLimitExceeded)


def test_a_file_needing_more_memory_than_the_child_has_is_stopped():
    with pytest.raises(ReadLimitExceeded, match="needs more than 128 MB"):
        read_isolated(hostile_files.deflate_bomb_pdf(), ReadLimits(memory_bytes=128 * MB))


def test_a_file_taking_longer_than_the_child_has_is_stopped():
    # the element flood costs ~3 s of CPU before the reader's own cap refuses it
    with pytest.raises(ReadLimitExceeded, match="too slow to read"):
        read_isolated(hostile_files.docx_element_flood(), ReadLimits(seconds=1))
