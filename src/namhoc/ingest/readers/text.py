"""Plain text: UTF-8, UTF-16 with a BOM, or a legacy code page (Windows-1258 first)."""

from __future__ import annotations

import codecs

from namhoc.ingest.errors import IngestError
from namhoc.ingest.messages import warning
from namhoc.ingest.readers import RawText

_VIETNAMESE_1258 = frozenset(b"\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd\xcc\xec\xd2\xf2\xde\xfe")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise IngestError for what is not text."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(
                    "bad_encoding",
                    f"Tệp văn bản có BOM {encoding} nhưng nội dung không giải mã được.",
                    f"The text file has a {encoding} byte-order mark but does not decode.",
                ) from exc
    if b"\x00" in data[:4096]:
        raise IngestError(
            "binary",
            "Tệp không phải văn bản (có byte rỗng) và không thuộc định dạng được hỗ trợ.",
            "The file is not text (it holds NUL bytes) and is not a supported format.",
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    guess = from_bytes(data[: 2**20]).best()
    # Windows-1258 is Vietnamese's legacy code page; detectors often name a Latin neighbour
    # (1252, 1250) for it. When the bytes carry 1258's Vietnamese letters (Ă ă Đ đ Ơ ơ Ư ư and
    # the combining tones), read them as 1258.
    hits = sum(1 for byte in data[:65536] if byte in _VIETNAMESE_1258)
    if guess is None or (hits and guess.encoding in {"cp1252", "cp1250", "latin_1", "cp1258"}):
        return data.decode("cp1258", errors="replace"), "cp1258"
    return str(guess), str(guess.encoding)


def read_text(data: bytes) -> RawText:
    text, encoding = decode_bytes(data)
    warnings = [] if encoding.startswith("utf") else [warning("encoding_guessed", encoding)]
    return RawText(text=text, format="txt", warnings=warnings)
