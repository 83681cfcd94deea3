"""Real zip bombs for the import file limits: valid XLSX workbooks, a few hundred kilobytes
zipped, whose one cell (inline in the sheet, or in the shared strings table) or row numbers
unzip to far more than a test's limits. Written to disk a megabyte at a time."""

from __future__ import annotations

import zipfile
from pathlib import Path

MB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{DOC}/officeDocument"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>
<sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}">'
HEADER = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>notes</t></is></c></row>'
)


def _workbook(
    path: Path, sheet: list[bytes | tuple[bytes, int]], strings: list[bytes | tuple[bytes, int]]
) -> Path:
    """`sheet` and `strings`: the parts' pieces, a (piece, times) pair repeated that often."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, pieces in (
            ("xl/sharedStrings.xml", strings),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            with archive.open(name, "w", force_zip64=True) as part:
                for piece in pieces:
                    block, times = piece if isinstance(piece, tuple) else (piece, 1)
                    for _ in range(times):
                        part.write(block)
    return path


def _strings(*entries: bytes | tuple[bytes, int]) -> list[bytes | tuple[bytes, int]]:
    return [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN}">'.encode(),
        *entries,
        b"</sst>",
    ]


def inline_cell_bomb(path: Path, megabytes: int) -> Path:
    """Row 2's notes: `megabytes` MB of text, inline in the sheet. The sheet states its size
    (A1:B3), as spreadsheet programs do, so reading its header reads none of the cell."""
    sheet: list[bytes | tuple[bytes, int]] = [
        f'{SHEET_START}<dimension ref="A1:B3"/><sheetData>{HEADER}'.encode(),
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>Bob</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>',
        (b"A" * MB, megabytes),
        b'</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>Cleo</t></is></c></row>'
        b"</sheetData></worksheet>",
    ]
    return _workbook(path, sheet, _strings())


def shared_string_bomb(path: Path, megabytes: int) -> Path:
    """The shared strings table's first entry: `megabytes` MB of text, used by row 2."""
    sheet: list[bytes | tuple[bytes, int]] = [
        f'{SHEET_START}<dimension ref="A1:B2"/><sheetData>{HEADER}'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Bob</t></is></c><c r="B2" t="s"><v>0</v></c>'
        "</row></sheetData></worksheet>".encode()
    ]
    return _workbook(path, sheet, _strings(b"<si><t>", (b"A" * MB, megabytes), b"</t></si>"))


def row_number_bomb(path: Path, last_row: int) -> Path:
    """A header, a contact on row 2 and one on row `last_row`: every row between is read as a
    blank row, as a spreadsheet shows them (the issue's 3.5 MB file read as 10.1M rows)."""
    sheet: list[bytes | tuple[bytes, int]] = [
        f"{SHEET_START}<sheetData>{HEADER}"
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Bob</t></is></c></row>'
        f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t>Cleo</t></is></c></row>'
        "</sheetData></worksheet>".encode()
    ]
    return _workbook(path, sheet, _strings())
