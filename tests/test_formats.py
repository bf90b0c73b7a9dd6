"""Every input format reads the same: corpus documents written as PDF, DOCX and XLSX (and re-encoded text).

Inside the test run, corpus text files are turned into real documents: a PDF made with fpdf2 (ruled
tables, a CJK font from the machine), a DOCX made with python-docx (real tables) and an XLSX made with
openpyxl (one sheet per table, amounts stored as numbers). Each is parsed with ``parse_file`` and must
give the same unit, totals, subject lines and projects (names, amounts, 文号) as the text file.
"""

from __future__ import annotations

import glob
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import parse_file
from kb.core.amounts import parse_amount
from loaders.read import read_source
from loaders.rows import rebuild_rows

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FORMAT_STEMS = ["001_f91b7b473888f42b", "004_db523993c574d7b7", "000_7c3d463bfeea7d61"]
_AMOUNT_TEXT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")


def _blocks(path: Path) -> list[tuple[str, object]]:
    """The document as ("text", line) and ("table", [rows of cells]) blocks, in order."""
    source = read_source(path)
    blocks: list[tuple[str, object]] = []
    for row in rebuild_rows(source.lines, source.layout):
        filled = [cell for cell in row.cells if cell.strip()]
        if row.is_table and len(row.cells) > 1 and not (len(filled) == 1 and row.cells[0].strip()):
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(list(row.cells))
            else:
                blocks.append(("table", [list(row.cells)]))
        elif filled:
            blocks.append(("text", " ".join(filled)))
    return blocks


def _padded(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


def _cjk_font() -> tuple[str, int]:
    """A CJK font file on this machine (Noto CJK from fonts-noto-cjk, else anything fc-list knows)."""
    candidates = sorted(glob.glob("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
    if not candidates and shutil.which("fc-list"):
        import subprocess

        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
        candidates = [line.split(":")[0].strip() for line in listed.splitlines() if line.strip()]
    if not candidates:
        pytest.fail("no CJK font on this machine: install fonts-noto-cjk (make system-deps)")
    font = candidates[0]
    return font, (2 if font.endswith(".ttc") and "Noto" in font else 0)  # 2 = the SC face of Noto CJK


def write_pdf(blocks, out: Path) -> Path:
    """A PDF with one paragraph per text block and one ruled fpdf2 table per table block."""
    from fpdf import FPDF

    font, index = _cjk_font()
    pdf = FPDF(orientation="landscape", format="A3")
    pdf.add_font("cjk", fname=font, collection_font_number=index)
    pdf.set_font("cjk", size=6)
    pdf.set_auto_page_break(True, margin=10)
    pdf.add_page()
    for kind, content in blocks:
        if kind == "text":
            pdf.multi_cell(0, 3.2, content, new_x="LMARGIN", new_y="NEXT")
            continue
        rows = _padded(content)
        widths = [max(4, min(40, max(len(row[column]) for row in rows))) for column in range(len(rows[0]))]
        with pdf.table(col_widths=widths, first_row_as_headings=False, text_align="LEFT", line_height=3) as table:
            for row in rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
        pdf.ln(2)
    pdf.output(str(out))
    return out


def write_docx(blocks, out: Path) -> Path:
    """A DOCX with paragraphs and real tables in document order."""
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "text":
            document.add_paragraph(content)
            continue
        rows = _padded(content)
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for row, cells in zip(table.rows, rows):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    document.save(str(out))
    return out


def write_xlsx(blocks, out: Path) -> Path:
    """An XLSX with one sheet per table (text before a table on its sheet's first rows); amounts, codes as numbers."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "说明"
    count = 0
    for kind, content in blocks:
        if kind == "text":
            sheet.append([content])
            continue
        for row in content:
            values: list[object] = []
            for cell in row:  # amounts and short codes stored as numbers, as spreadsheets exported by offices do
                if _AMOUNT_TEXT.match(cell):
                    values.append(parse_amount(cell))
                elif re.fullmatch(r"\d{1,9}", cell):
                    values.append(int(cell))  # "01" (款) becomes 1: the reader must restore the code
                else:
                    values.append(cell or None)
            sheet.append(values)
            for column, value in enumerate(values, start=1):
                if isinstance(value, float):
                    sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
        count += 1
        sheet = workbook.create_sheet(f"表{count}")
    workbook.save(str(out))
    return out


WRITERS = {"pdf": write_pdf, "docx": write_docx, "xlsx": write_xlsx}


def _comparable(extraction) -> dict:
    """What must not depend on the format: unit, totals, subject lines, projects with amounts and 文号."""
    unit = extraction.unit
    return {
        "unit": (unit.name, unit.code, unit.region, unit.province, unit.year, unit.kind),
        "totals": extraction.totals.model_dump(exclude={"lines"}),
        "function_subjects": [(s.code, s.name, s.total, s.basic, s.project) for s in extraction.function_subjects],
        "economic_subjects": [(s.code, s.name, s.total, s.scheme) for s in extraction.economic_subjects],
        "projects": [(p.name, p.amount, p.code, sorted(p.basis_refs), sorted(p.all_refs)) for p in extraction.projects],
    }


@pytest.fixture(scope="module")
def text_results() -> dict:
    return {stem: _comparable(parse_file(CORPUS / f"{stem}.txt")) for stem in FORMAT_STEMS}


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
@pytest.mark.parametrize("stem", FORMAT_STEMS)
def test_format_parses_like_the_text(tmp_path, text_results, stem, fmt):
    document = WRITERS[fmt](_blocks(CORPUS / f"{stem}.txt"), tmp_path / f"{stem}.{fmt}")
    extraction = parse_file(document)
    assert extraction.file == document.name
    got, expected = _comparable(extraction), text_results[stem]
    assert got["unit"] == expected["unit"]
    assert got["totals"] == expected["totals"]
    assert got["function_subjects"] == expected["function_subjects"]
    assert got["economic_subjects"] == expected["economic_subjects"]
    assert got["projects"] == expected["projects"]
    assert expected["function_subjects"] and expected["economic_subjects"] and expected["projects"]  # not vacuous


def test_formats_read_known_figures(tmp_path):
    """Spot figures from 004 through the XLSX and DOCX readers (amounts stored as numbers in the XLSX)."""
    blocks = _blocks(CORPUS / "004_db523993c574d7b7.txt")
    for fmt in ("xlsx", "docx"):
        extraction = parse_file(WRITERS[fmt](blocks, tmp_path / f"004.{fmt}"))
        assert extraction.totals.expense_total == 1183.38 and extraction.totals.basic_expense == 1090.44
        housing = next(s for s in extraction.function_subjects if s.code == "2210201")
        assert (housing.name, housing.total) == ("住房公积金", 80.19)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16", "utf-16-le"])
@pytest.mark.parametrize("stem", ["000_7c3d463bfeea7d61", "002_e9a684c38e2f8a64"])
def test_reencoded_text_parses_identically(tmp_path, stem, encoding):
    original = CORPUS / f"{stem}.txt"
    copy = tmp_path / f"{stem}.txt"
    copy.write_bytes(original.read_text(encoding="utf-8").encode(encoding))
    source = read_source(copy)
    assert source.lines == read_source(original).lines
    a, b = parse_file(original).schema_dict(), parse_file(copy).schema_dict()
    assert any(note.startswith("[read.encoding] 文本按") for note in b["notes"])  # the encoding is recorded
    b["notes"] = [note for note in b["notes"] if not note.startswith("[read.encoding]")]
    for key in ("doc_id", "path"):
        a.pop(key), b.pop(key)
    assert a == b


@pytest.mark.parametrize("stem", ["002_e9a684c38e2f8a64", "004_db523993c574d7b7"])
def test_traditional_character_edition_parses_identically(tmp_path, stem):
    """A disclosure printed in traditional characters (OpenCC s2t of the corpus file) reads as the original."""
    import opencc

    original = CORPUS / f"{stem}.txt"
    traditional = tmp_path / f"{stem}.txt"
    traditional.write_text(opencc.OpenCC("s2t").convert(original.read_text(encoding="utf-8")), encoding="utf-8")
    assert traditional.read_text(encoding="utf-8") != original.read_text(encoding="utf-8")
    assert _comparable(parse_file(traditional)) == _comparable(parse_file(original))


def test_docx_merged_cells_are_written_once(tmp_path):
    """A DOCX table with a merged header (horizontal) and a merged label column (vertical), as offices export them."""
    import docx

    document = docx.Document()
    document.add_paragraph("重庆市荣昌区社会保险事务中心2026年单位预算")
    document.add_paragraph("单位支出总表")
    table = document.add_table(rows=4, cols=5)
    rows = [["科目编码", "科目名称", "总计", "基本支出", "项目支出"],
            ["合计", "", "100.00", "60.00", "40.00"],
            ["208", "社会保障和就业支出", "100.00", "60.00", "40.00"],
            ["2080101", "行政运行", "60.00", "60.00", ""]]
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.cell(1, 0).merge(table.cell(1, 1)).text = "合计"  # 合计 spans code and name
    table.cell(2, 4).merge(table.cell(3, 4)).text = "40.00"  # a vertical merge: written in the top row only
    path = tmp_path / "merged.docx"
    document.save(str(path))
    extraction = parse_file(path)
    assert (extraction.totals.basic_expense, extraction.totals.project_expense) == (60.0, 40.0)
    lines = {s.code: (s.name, s.total, s.basic, s.project) for s in extraction.function_subjects}
    assert lines == {"208": ("社会保障和就业支出", 100.0, 60.0, 40.0), "2080101": ("行政运行", 60.0, 60.0, None)}


@pytest.mark.parametrize("stem", ["000_7c3d463bfeea7d61", "004_db523993c574d7b7"])
def test_narrative_only_pdf_reads_totals_from_wrapped_sentences(tmp_path, stem):
    """A narrative-only PDF: paragraphs wrapped by the page are joined again before figures are read."""
    text = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
    narrative = tmp_path / f"{stem}.txt"
    narrative.write_text("\n".join(line for line in text.split("\n") if "\t" not in line), encoding="utf-8")
    expected = parse_file(narrative)
    assert expected.totals.income_total is not None
    pdf = write_pdf(_blocks(narrative), tmp_path / f"{stem}.pdf")
    source = read_source(pdf)
    assert max(len(line) for line in source.lines) > 250  # long paragraphs came back as one line each
    extraction = parse_file(pdf)
    assert extraction.totals.model_dump(exclude={"lines"}) == expected.totals.model_dump(exclude={"lines"})
    assert (extraction.unit.name, extraction.unit.year) == (expected.unit.name, expected.unit.year)


def test_big5_traditional_edition_parses_identically(tmp_path):
    """A traditional-character edition served in Big5 (bytes GB18030 would also accept, as noise)."""
    import opencc

    original = CORPUS / "004_db523993c574d7b7.txt"
    traditional = opencc.OpenCC("s2t").convert(original.read_text(encoding="utf-8"))
    copy = tmp_path / "004_big5.txt"
    copy.write_bytes(traditional.encode("big5hkscs", errors="replace"))
    assert read_source(copy).encoding == "big5"
    assert _comparable(parse_file(copy)) == _comparable(parse_file(original))


_CHINESE_TEXT = st.text(st.sampled_from(list("社会保险事务中心预算支出收入合计项目经费工资福利万元一般公共年度")
                                        + list("0123456789.,，。：；（）\t\n ")), min_size=40, max_size=400).filter(
    lambda text: sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 30)


@settings(max_examples=60, deadline=None)
@given(_CHINESE_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_any_served_encoding_decodes_back(text, encoding):
    from loaders.read import decode_text

    decoded, _ = decode_text(text.encode(encoding))
    assert decoded == text
