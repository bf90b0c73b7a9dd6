"""Hostile and oversized files built inside the tests (nothing downloaded): zip bombs, an encrypted PDF,
a sheet with too many rows, a slow text, a text whose read never ends, a text too large for a small memory limit, a text with NUL and
control characters in a project name. Shared by tests/test_faults_*.py."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SMALL = CORPUS / "004_db523993c574d7b7.txt"  # 广元市社会保险事务中心, 7 projects
LARGE = CORPUS / "000_7c3d463bfeea7d61.txt"  # 2,536 lines


def _inflate_member(plain: Path, path: Path, member: str, head: bytes, chunk: bytes, tail: bytes,
                    inflated_mb: int) -> Path:
    """Copy the office file ``plain`` to ``path`` with ``member`` rewritten as ``head``, ``chunk`` repeated
    to about ``inflated_mb`` MB, ``tail`` (deflated, so it compresses as a zip bomb does); ``plain`` is removed."""
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item, source.read(item.filename))
        with target.open(member, "w") as handle:
            handle.write(head)
            for _ in range(inflated_mb * 1024 * 1024 // len(chunk)):
                handle.write(chunk)
            handle.write(tail)
    plain.unlink()
    return path


def docx_bomb(path: Path, inflated_mb: int = 24) -> Path:
    """A real DOCX (python-docx) whose word/document.xml inflates to ``inflated_mb`` MB of empty paragraphs
    (about 1000:1 compressed, as a zip bomb is)."""
    import docx

    plain = path.with_name("plain-" + path.name)
    document = docx.Document()
    document.add_paragraph("广元市社会保险事务中心2024年部门预算")
    document.save(plain)
    head = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    return _inflate_member(plain, path, "word/document.xml", head, b"<w:p/>" * (1 << 17), b"</w:body></w:document>",
                           inflated_mb)


def xlsx_bomb(path: Path, inflated_mb: int = 24) -> Path:
    """A real XLSX (openpyxl) whose first sheet's XML inflates to ``inflated_mb`` MB of identical rows."""
    import openpyxl

    plain = path.with_name("plain-" + path.name)
    workbook = openpyxl.Workbook()
    workbook.active.append(["科目编码", "科目名称", "合计"])
    workbook.save(plain)
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    row = b'<row><c t="inlineStr"><is><t>208</t></is></c><c><v>1.5</v></c></row>'
    return _inflate_member(plain, path, "xl/worksheets/sheet1.xml", head, row * 4096, b"</sheetData></worksheet>",
                           inflated_mb)


def encrypted_pdf(path: Path) -> Path:
    """A PDF with a user password (fpdf2's RC4/AES encryption)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Budget 2024")
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.output(str(path))
    return path


def long_sheet(path: Path, rows: int) -> Path:
    """An XLSX with one sheet of ``rows`` budget-looking rows (for the row limit)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "一般公共预算支出表"
    sheet.append(["科目编码", "科目名称", "合计"])
    for number in range(rows):
        sheet.append([f"2080{number:04d}", f"行政运行{number}", 1.5])
    workbook.save(path)
    return path


def slow_text(path: Path, copies: int = 30) -> Path:
    """A real disclosure repeated ``copies`` times: about 1 MB and 76,000 lines, several seconds to parse."""
    path.write_text(LARGE.read_text(encoding="utf-8") * copies, encoding="utf-8")
    return path


def stuck_text(path: Path) -> Path:
    """A ``.txt`` name whose read never returns: a named pipe that no process writes to (as a hung network
    mount gives). A worker given it waits, using no CPU or memory, until the parent's deadline kills it, so
    the case is a timeout on any machine, whatever the parse speed or the memory limit."""
    os.mkfifo(path)
    return path


def wide_text(path: Path, megabytes: int = 45) -> Path:
    """About ``megabytes`` MB of Chinese text in 1,000-character lines (under the 50 MB size limit, the
    100,000-row limit): decoding it needs far more than a 300 MB worker can map."""
    line = ("重庆市荣昌区社会保险事务中心项目支出" * 60 + "\n").encode("utf-8")
    with path.open("wb") as handle:
        for _ in range(megabytes * 1024 * 1024 // len(line)):
            handle.write(line)
    return path


HOSTILE_NAME_CHARS = "\x00\x01\x0b\x1b[31m"


def control_text(path: Path) -> tuple[Path, str, str]:
    """A real disclosure (004) whose first project name holds NUL and other control characters, placed
    after the first 64 KB (66,000 blank lines before it), as in issue 15.

    Returns:
        (path, the original project name, the name as written with control characters).
    """
    from loaders import parse_file

    text = SMALL.read_text(encoding="utf-8")
    name = parse_file(SMALL).projects[0].name  # 社会保险信息网络建设维护费
    hostile = name[:2] + "\x00" + name[2:4] + "\x01\x0b\x1b[31m" + name[4:] + "\x7f"
    start = text.rfind("\n", 0, text.index(name))
    path.write_text(text[:start] + "\n" * 66000 + text[start:].replace(name, hostile), encoding="utf-8")
    return path, name, hostile
