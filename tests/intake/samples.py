"""Sample attachments built in memory: CSV, XLSX (openpyxl) and ODS (a hand-made zip)."""

from __future__ import annotations

import io
import struct
import zipfile
from xml.sax.saxutils import escape

import openpyxl


def xlsx_bytes(rows: list[list[object]], title: str = "Count") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def ods_cell(value: object, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{rep} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell{rep} office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def ods_bytes(rows_xml: list[str], name: str = "Sheet1") -> bytes:
    body = "".join(f"<table:table-row>{row}</table:table-row>" for row in rows_xml)
    content = f'{_ODS_HEAD}<table:table table:name="{name}">{body}</table:table>{_ODS_TAIL}'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tnef_attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
    header = struct.pack("<BHHI", level, name, kind, len(data))
    return header + data + struct.pack("<H", sum(data) & 0xFFFF)


def tnef_bytes(files: dict[str, bytes]) -> bytes:
    """Outlook's ``winmail.dat`` (TNEF) holding ``files``: signature, key, the OEM code page,
    then per file its rendering data, title and data (MS-OXTNEF 2.1.3)."""
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _tnef_attribute(0x01, 0x9006, 0x0008, struct.pack("<I", 0x00010000))
    out += _tnef_attribute(0x01, 0x9007, 0x0006, struct.pack("<II", 1252, 0))
    for name, data in files.items():
        out += _tnef_attribute(0x02, 0x9002, 0x0006, b"\x01\x00" + b"\xff" * 12)
        out += _tnef_attribute(0x02, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")
        out += _tnef_attribute(0x02, 0x800F, 0x0006, data)
    return out
