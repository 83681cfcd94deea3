"""Telling a CSV from an XLSX workbook, and both from files that are neither, by content."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

from services.imports.errors import NotASpreadsheet
from services.imports.records import FileFormat

HEAD_BYTES = 64 * 1024
ASK_FOR_SPREADSHEET = "upload a CSV (UTF-8) or XLSX file"

_KNOWN_BINARIES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel or Word file (.xls, .doc): save it as .xlsx or CSV"),
    (b"\x1f\x8b", "a gzip archive"),
)


def read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def detect_format(path: Path) -> FileFormat:
    head = read_head(path)
    if not head.strip():
        raise NotASpreadsheet("The file is empty.")
    if head.startswith(b"PK\x03\x04"):
        return _check_workbook(path)
    for magic, kind in _KNOWN_BINARIES:
        if head.startswith(magic):
            raise NotASpreadsheet(f"The file is {kind}, not a spreadsheet: {ASK_FOR_SPREADSHEET}.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotASpreadsheet("The file is UTF-16 text: save it as CSV UTF-8 and upload it again.")
    if b"\x00" in head:
        raise NotASpreadsheet(f"The file is binary data, not a spreadsheet: {ASK_FOR_SPREADSHEET}.")
    try:
        # A multi-byte character may be cut at the end of the head: only a full file is final.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < HEAD_BYTES)
    except UnicodeDecodeError as exc:
        raise NotASpreadsheet(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read): save it as "
            "CSV UTF-8 and upload it again."
        ) from None
    return FileFormat.CSV


def _check_workbook(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise NotASpreadsheet(
            f"The file looks like a damaged ZIP or XLSX file: {ASK_FOR_SPREADSHEET}."
        ) from None
    if "xl/workbook.xml" not in names:
        raise NotASpreadsheet(
            f"The file is a ZIP archive but not an XLSX workbook: {ASK_FOR_SPREADSHEET}."
        )
    return FileFormat.XLSX
