"""The import file limits, and the failures that name them.

Checked while a file is read (`xlsx_book`, `xlsx_strings`, `readers`), so a zip bomb, a
one-gigabyte cell or a ten-million-row sheet fails the import before the worker's memory or
the staged rows grow: the unzipped size of a workbook's parts, one cell's text, a row's
columns (`IMPORT_MAX_UNCOMPRESSED_BYTES`, `IMPORT_MAX_CELL_CHARACTERS`, `IMPORT_MAX_COLUMNS`
in core/settings.py), and the rows after the header (the workspace's `max_import_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import get_settings
from services.imports.errors import FileTooLarge

MEGABYTE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileLimits:
    uncompressed_bytes: int
    cell_characters: int
    columns: int
    rows: int | None = None  # rows after the header; None when only the header is read

    @property
    def text_run_bytes(self) -> int:
        """The most bytes of XML one cell's text may take: up to 10 a character (`&#x1F600;`),
        and some room for the whitespace between tags."""
        return 10 * self.cell_characters + 4096


def file_limits(max_rows: int | None = None) -> FileLimits:
    settings = get_settings()
    return FileLimits(
        uncompressed_bytes=settings.import_max_uncompressed_bytes,
        cell_characters=settings.import_max_cell_characters,
        columns=settings.import_max_columns,
        rows=max_rows,
    )


def too_many_bytes(limits: FileLimits) -> FileTooLarge:
    size = f"{limits.uncompressed_bytes / MEGABYTE:,.1f} MB"
    return FileTooLarge(
        f"The XLSX workbook unzips to more than {size}, the largest this service reads "
        "(setting IMPORT_MAX_UNCOMPRESSED_BYTES); it may be a zip bomb. Split it into smaller "
        "files, or save it as CSV, and upload them again.",
        limit="IMPORT_MAX_UNCOMPRESSED_BYTES",
    )


def cell_too_long(limits: FileLimits, where: str) -> FileTooLarge:
    return FileTooLarge(
        f"{where} has more than {limits.cell_characters:,} characters, the longest cell this "
        "service reads (setting IMPORT_MAX_CELL_CHARACTERS; Excel's own cap is 32,767). "
        "Shorten it and upload the file again.",
        limit="IMPORT_MAX_CELL_CHARACTERS",
    )


def too_many_columns(limits: FileLimits, row: int) -> FileTooLarge:
    return FileTooLarge(
        f"Row {row} has more than {limits.columns:,} columns, the most this service reads "
        "(setting IMPORT_MAX_COLUMNS). Remove the columns you do not import and upload the "
        "file again.",
        limit="IMPORT_MAX_COLUMNS",
    )


def too_many_rows(max_rows: int) -> FileTooLarge:
    return FileTooLarge(
        f"The file has more than {max_rows:,} rows after its header, this workspace's largest "
        f"import (max_import_rows): nothing was imported. Split it into files of at most "
        f"{max_rows:,} rows, or ask an administrator to raise the limit "
        "(`contacts workspace set --workspace ID --max-import-rows N`).",
        limit="max_import_rows",
    )
