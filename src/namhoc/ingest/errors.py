"""The one exception that leaves :mod:`namhoc.ingest`."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be read; ``message_vi`` and ``message_en`` say why.

    ``code`` is a short stable identifier (``too_large``, ``no_text_layer``, ...) for callers
    that want to react to a kind of failure without parsing the message.
    """

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        super().__init__(f"{message_vi} / {message_en}")
