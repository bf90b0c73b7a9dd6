"""Bytes -> ``SourceText``: one disclosure file of any supported format as normalised text lines.

Every format ends in the same intermediate form, so one table parser serves them all: a list of
normalised lines (``kb.core.normalize.normalize_text``) where a table row is one line with its cells
separated by tabs, and running text is one line per paragraph.

- ``.txt`` (also ``.text``/``.md``): decoded from UTF-8 (with or without BOM), UTF-16 (BOM), GB18030
  (GBK/GB2312 are subsets) or whatever ``charset-normalizer`` finds; lines kept as printed.
- ``.pdf``: pdfplumber; per page, ruled tables become tab rows and the remaining text lines are kept
  in reading order (top to bottom).
- ``.docx``: python-docx; paragraphs and real tables in document order (a merged cell is written once).
- ``.xlsx``: openpyxl; one sheet per table, the sheet title first, then one tab row per sheet row.

Bad input raises ``kb.core.errors.UnreadableDocument(path, reason)`` with a one-clause reason: missing,
empty, binary, undecodable, HTML page, damaged/truncated container or unknown extension.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.errors import EncryptedPdf, UnreadableDocument
from kb.core.messages import os_error_reason
from kb.core.normalize import normalize_lines
from loaders.limits import active_limits, check_file, limited_rows
from loaders.notes import note
from loaders.rows import detect_layout

TEXT_SUFFIXES = (".txt", ".text", ".md")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + (".pdf", ".docx", ".xlsx")
_CJK = re.compile(r"[\u3400-\u9fff]")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*"
                         rb"(?:<!doctype\s+html|<html|<head|<body|<meta|<script|<title|<\?xml[^>]*>\s*<html)",
                         re.IGNORECASE | re.DOTALL)
_MAGIC = ((b"%PDF", "PDF 文件被命名为文本文件（请把扩展名改为 .pdf）"),
          (b"PK\x03\x04", "ZIP/Office 文件被命名为文本文件（请把扩展名改为 .docx 或 .xlsx）"),
          (b"\xd0\xcf\x11\xe0", "旧版 Office 文件（.doc/.xls）：请另存为 .docx 或 .xlsx"))
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class SourceText:
    """A disclosure as normalised text lines, whatever format it came in.

    Attributes:
        lines: normalised lines (index 0 is line 1); a table row is one line of tab-separated cells.
        layout: the table layout of ``lines`` ("cells", "tabs" or "markdown"; see loaders/rows.py).
        doc_id: sha256 hex digest of the file's bytes.
        path: the path as given.
        format: "text", "pdf", "docx" or "xlsx".
        encoding: the text encoding detected (text files only), e.g. "utf-8", "gb18030", "utf-16".
        notes: what the reader had to repair (damaged bytes replaced, a last character cut off).
    """

    lines: list[str]
    layout: str
    doc_id: str
    path: str
    format: str = "text"
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def read_source(path: str | Path) -> SourceText:
    """Read one disclosure file into normalised lines.

    Args:
        path: a .txt/.text/.md, .pdf, .docx or .xlsx file.

    Returns:
        The file's ``SourceText`` (lines normalised once here; nothing downstream re-normalises).

    Raises:
        UnreadableDocument: the file is missing, a folder, empty, binary, undecodable, an HTML page,
            a damaged/truncated PDF/DOCX/XLSX, or has an unknown extension.

    Example:
        >>> source = read_source("../shared/corpus/001_f91b7b473888f42b.txt")  # doctest: +SKIP
        >>> source.layout, source.lines[2]  # doctest: +SKIP
        ('tabs', '重庆市綦江区社会保险事务中心财政拨款收支总表')
    """
    file = Path(path)
    if not file.exists():
        raise UnreadableDocument(path, "文件不存在")
    if file.is_dir():
        raise UnreadableDocument(path, "是文件夹，不是文件")
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(none)"
        raise UnreadableDocument(path, f"不支持的扩展名 {shown}（应为 .txt、.pdf、.docx 或 .xlsx）")
    try:
        check_file(file)  # size and zip-expansion limits, before anything is read (loaders/limits.py)
        data = file.read_bytes()
    except OSError as error:
        raise UnreadableDocument(path, f"无法读取（{os_error_reason(error)}）") from None
    if not data.strip():
        raise UnreadableDocument(path, "空文件")
    doc_id = hashlib.sha256(data).hexdigest()
    encoding = None
    notes: list[str] = []
    if suffix in TEXT_SUFFIXES:
        for magic, reason in _MAGIC:
            if data.startswith(magic):
                raise UnreadableDocument(path, reason)
        text, encoding = decode_text(data, path)
        if "\ufffd" in text:
            notes.append(note("read.damaged_bytes", count=text.count(chr(0xFFFD))))
        raw_lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
        if len(raw_lines) > active_limits().max_table_rows:
            list(limited_rows(raw_lines, path, "文本行"))  # raises TooManyRows
        fmt = "text"
    elif suffix == ".pdf":
        raw_lines, fmt = _pdf_lines(file), "pdf"
    elif suffix == ".docx":
        raw_lines, fmt = _docx_lines(file), "docx"
    else:
        raw_lines, fmt = _xlsx_lines(file), "xlsx"
    lines = normalize_lines(list(raw_lines))  # one pass per rule over the whole text, the same as line by line
    if not any(_CJK.search(line) for line in lines):
        if fmt == "pdf" and not any(line.strip() for line in lines):
            raise UnreadableDocument(path, "PDF 没有文字层（扫描件需先做 OCR 文字识别）")
        raise UnreadableDocument(path, "未找到中文文本（不是预算公开文件）")
    return SourceText(lines=lines, layout=detect_layout(lines), doc_id=doc_id, path=str(path), format=fmt,
                      encoding=encoding, notes=notes)


def decode_text(data: bytes, path: object = "<bytes>") -> tuple[str, str]:
    """Decode a text file's bytes as a Chinese government site may serve them.

    Order: BOM (UTF-8, UTF-16 LE/BE), UTF-16 without BOM, strict UTF-8, strict GB18030 (Big5 when
    GB18030 gives no budget word but Big5 does), then charset-normalizer's best guess provided the
    result holds Chinese characters.

    Args:
        data: the file's bytes (not empty).
        path: used in error messages only.

    Returns:
        (text without BOM, encoding name).

    Raises:
        UnreadableDocument: binary content, an HTML page, or bytes no encoding decodes into Chinese text.
    """
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableDocument(path, f"无法解码的字节（BOM 声明为 {encoding}）") from None
            _reject_html(text.encode("utf-8")[:2048], path)
            return text, "utf-8-sig" if encoding == "utf-8" else "utf-16"
    if b"\x00" in data[:65536] and len(data) % 2 == 0:  # UTF-16 without a BOM, or binary
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_chinese_text(text):
                return text, encoding
    if b"\x00" in data[:65536]:
        raise UnreadableDocument(path, "二进制文件，不是文本")
    _reject_html(data[:2048], path)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
            if encoding == "gb18030" and not _BUDGET_WORDS.search(text):  # Big5 bytes decode as GBK noise
                big5 = _try_big5(data)
                if big5 is not None:
                    return big5, "big5"
            return text, encoding
        except UnicodeDecodeError as error:
            if error.start >= len(data) - 4:  # a file cut inside its last character: keep what is whole
                try:
                    return data[:error.start].decode(encoding), encoding
                except UnicodeDecodeError:
                    pass
            text = data.decode(encoding, errors="replace")
            if text.count("\ufffd") <= max(2, len(text) // 2000) and _looks_like_chinese_text(text):
                return text, encoding  # a few damaged bytes in an otherwise clean file
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _CJK.search(text) and not _mostly_control(text):
            return text, best.encoding
    raise UnreadableDocument(path, "无法解码的字节（不是 UTF-8、UTF-16 或 GB18030 文本）")


_BUDGET_WORDS = re.compile(r"预算|决算|万元|支出|收入|預算|決算|萬元")


def _try_big5(data: bytes) -> str | None:
    """The text as Big5 (traditional-character sites) when that reads as a budget text, else None."""
    for encoding in ("big5hkscs", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text if _BUDGET_WORDS.search(text) else None
    return None


def _looks_like_chinese_text(text: str) -> bool:
    """True for decoded text that is mostly Chinese characters, digits and punctuation (not binary noise)."""
    sample = text[:20000]
    visible = [ch for ch in sample if not ch.isspace()]
    if not visible or _mostly_control(sample):
        return False
    cjk = sum(1 for ch in visible if _CJK.match(ch))
    odd = sum(1 for ch in visible if 0xE000 <= ord(ch) <= 0xF8FF or 0xA000 <= ord(ch) <= 0xDFFF or ord(ch) > 0xFFFF)
    return cjk >= 0.2 * len(visible) and odd < 0.01 * len(visible)


def _mostly_control(text: str) -> bool:
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return control > 0.05 * max(len(text), 1)


def _reject_html(head: bytes, path: object) -> None:
    if _HTML_START.match(head):
        raise UnreadableDocument(path, "这是网页（HTML），不是公开文件（请改为保存网页所附的文件）")


def _join_wrapped(text: str | None) -> str:
    """One cell's wrapped lines joined: no space between CJK/digits, one space between Latin words."""
    if not text:
        return ""
    parts = [part.strip() for part in text.splitlines() if part.strip()]
    joined = ""
    for part in parts:
        if joined and re.match(r"[A-Za-z]", joined[-1]) and re.match(r"[A-Za-z]", part[0]):
            joined += " "
        joined += part
    return joined.replace("\t", " ")


def _pdf_lines(file: Path) -> list[str]:
    """Text lines and tab-separated table rows of a PDF, page by page in reading order."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a formats extra
        raise UnreadableDocument(file, "读取 PDF 需要 pdfplumber：pip install 'budget-kb[formats]'") from None
    from loaders.pdf_fonts import install

    install()
    lines: list[str] = []
    try:
        with pdfplumber.open(file) as pdf:
            for page in pdf.pages:
                lines.extend(_pdf_page_lines(page))
                lines.append("")
    except UnreadableDocument:
        raise
    except Exception as error:  # pdfminer raises many types for damaged files
        name = type(error).__name__
        causes = (error, *error.args, error.__cause__, error.__context__)  # pdfplumber wraps pdfminer's error
        if any("Password" in type(cause).__name__ or "Encrypt" in type(cause).__name__ for cause in causes):
            raise EncryptedPdf(file) from None
        raise UnreadableDocument(file, f"PDF 已损坏或不完整（{name}）") from None
    return lines


def _pdf_page_lines(page) -> list[str]:
    """One page: ruled tables as tab rows, other text as lines, top to bottom.

    A text line spanning most of the page's width that does not end a sentence is a paragraph
    wrapped by the PDF: the next text line is joined to it (so "收入预算 1183.38" and "万元"
    printed on two lines read as one sentence).
    """
    items: list[tuple[float, str, str, float]] = []  # (top, kind, text, width)
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    for table in tables:
        for offset, row in enumerate(table.extract()):
            items.append((table.bbox[1] + offset * 1e-3, "row", "\t".join(_join_wrapped(cell) for cell in row), 0.0))

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_lines = page.filter(outside).extract_text_lines()
    for text_line in text_lines:
        items.append((text_line["top"], "text", text_line["text"], text_line["x1"] - text_line["x0"]))
    full_width = 0.75 * float(page.width)
    lines: list[str] = []
    wrapped = False
    for _, kind, text, width in sorted(items, key=lambda item: item[0]):
        if kind == "text" and wrapped and lines:
            lines[-1] += text
        else:
            lines.append(text)
        wrapped = kind == "text" and width >= full_width and not re.search(r"[。；;：:！？!?]$", text)
    return lines


def _block_elements(parent):
    """Paragraphs and tables of a DOCX body in order, looking inside content controls (w:sdt)."""
    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in ("p", "tbl"):
            yield child
        elif tag in ("sdt", "sdtContent", "customXml"):
            yield from _block_elements(child)


def _docx_lines(file: Path) -> list[str]:
    """Paragraphs and table rows of a DOCX in document order (merged cells written once)."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover
        raise UnreadableDocument(file, "读取 DOCX 需要 python-docx：pip install 'budget-kb[formats]'") from None
    try:
        document = docx.Document(str(file))
    except Exception as error:
        raise UnreadableDocument(file, f"DOCX 已损坏或不完整（{type(error).__name__}）") from None
    lines: list[str] = []
    for child in _block_elements(document.element.body):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            above: list[object] = []
            for row in limited_rows(Table(child, document).rows, file, "DOCX 表格"):
                cells: list[str] = []
                row_cells = row.cells
                row_tcs = [cell._tc for cell in row_cells]
                for column, tc in enumerate(row_tcs):
                    merged_left = column > 0 and tc is row_tcs[column - 1]
                    merged_up = column < len(above) and tc is above[column]
                    cells.append("" if merged_left or merged_up else _join_wrapped(row_cells[column].text))
                above = row_tcs
                lines.append("\t".join(cells))
            lines.append("")
    return lines


def _xlsx_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return _join_wrapped(str(value))


def _xlsx_lines(file: Path) -> list[str]:
    """One block per sheet: the sheet title, then one tab row per sheet row (trailing blanks dropped)."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover
        raise UnreadableDocument(file, "读取 XLSX 需要 openpyxl：pip install 'budget-kb[formats]'") from None
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:
        raise UnreadableDocument(file, f"XLSX 已损坏或不完整（{type(error).__name__}）") from None
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for values in limited_rows(sheet.iter_rows(values_only=True), file, f"工作表 {sheet.title}"):
                cells = [_xlsx_cell_text(value) for value in values]
                while cells and not cells[-1]:
                    cells.pop()
                if not cells:
                    lines.append("")
                elif len(cells) == 1:
                    lines.append(cells[0])
                else:
                    lines.append("\t".join(cells))
            lines.append("")
    finally:
        workbook.close()
    return lines
