"""An upload handler that stops storing a file once it passes `UPLOAD_MAX_BYTES`.

Django's own handlers keep small files in memory and spool larger ones to a temporary file
of any size; the upload form then refuses a file over the limit by its size, but only after
the whole body has been written to disk. Placed first in FILE_UPLOAD_HANDLERS, this handler
counts the bytes of each file and, past the limit, drops the rest (the temporary file is
closed and deleted at once): the view receives a stand-in whose `size` is the bytes seen so
far, which the form refuses with its "too large" message. Nothing over the limit is ever held
in memory or on disk.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizeUpload(UploadedFile):
    """What is left of a file that passed the limit: its name and the bytes seen, no content."""

    def __init__(self, name: str, size: int, content_type: str | None = None):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)
        self.oversize = True


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(
        self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None
    ):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if not self.over:
                self.over = True
                self._discard_spooled_file()
            return None  # later handlers never see the rest
        return raw_data

    def file_complete(self, file_size):
        if self.over:
            return OversizeUpload(self.file_name, self.received, self.content_type)
        return None  # not ours: the memory or temporary-file handler completes it

    def _discard_spooled_file(self) -> None:
        for handler in getattr(self.request, "upload_handlers", ()):
            spooled = getattr(handler, "file", None)
            if handler is not self and spooled is not None and hasattr(spooled, "close"):
                spooled.close()  # a TemporaryUploadedFile deletes its file on close
                handler.file = io.BytesIO()  # anything still written goes nowhere
