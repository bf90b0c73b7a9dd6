"""`kb parse` on bad files: one line naming the file and the reason, non-zero exit, never a traceback.

The CLI runs as a real subprocess (``python -m kb.cli parse FILE``), so what is checked is exactly
what a user sees. A document truncated in the middle of a table is not an error: what is there parses.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.core.errors import UnreadableDocument
from loaders import parse_file

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REPO = Path(__file__).resolve().parents[1]


def _kb_parse(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", "parse", str(path)], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, words the reason must contain)."""
    files = {
        "empty": (folder / "empty.txt", b"", "空文件"),
        "blank": (folder / "blank.txt", b"\n \n\t\n", "空文件"),
        "binary": (folder / "binary.txt", bytes(range(256)) * 8, "二进制"),
        "undecodable": (folder / "undecodable.txt", b"\x81\x30" * 40 + b"\xff\xfe\xfd" * 30 + b"\x80abc" * 20,
                        "无法解码"),
        "unknown extension": (folder / "budget.foo", "重庆市荣昌区社会保险事务中心2026年单位预算".encode(), "不支持的扩展名 .foo"),
        "html page": (folder / "page.txt", "<!DOCTYPE html><html><head><title>预算公开</title></head></html>".encode(),
                      "网页（HTML）"),
        "truncated pdf": (folder / "cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R", "PDF 已损坏"),
        "truncated docx": (folder / "cut.docx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "DOCX 已损坏"),
        "not chinese": (folder / "notes.txt", b"hello world\nthis is not a budget\n", "未找到中文文本"),
        "pdf named txt": (folder / "report.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "请把扩展名改为 .pdf"),
        "html with comment": (folder / "saved.txt", "<!-- saved from url -->\n<html><body>预算</body></html>".encode(),
                              "网页（HTML）"),
    }
    for file, data, _ in files.values():
        file.write_bytes(data)
    return {name: (file, reason) for name, (file, _, reason) in files.items()}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return _bad_files(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("name", ["empty", "blank", "binary", "undecodable", "unknown extension", "html page",
                                  "truncated pdf", "truncated docx", "not chinese", "pdf named txt",
                                  "html with comment"])
def test_kb_parse_reports_one_line_and_fails(bad_files, name):
    file, reason = bad_files[name]
    result = _kb_parse(file)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("错误[E_UNREADABLE]: ") and str(file) in lines[0] and reason in lines[0], lines[0]


def test_pdf_without_a_text_layer_says_so(tmp_path):
    """A PDF with no text (as a scan looks to pdfplumber): one line saying OCR is needed."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50)  # a drawing, no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    result = _kb_parse(path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "PDF 没有文字层" in result.stderr and str(path) in result.stderr


def test_missing_file_is_one_line(tmp_path):
    result = _kb_parse(tmp_path / "nowhere.txt")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "文件不存在" in result.stderr


def test_library_raises_unreadable_document_with_path_and_reason(bad_files):
    file, _ = bad_files["binary"]
    with pytest.raises(UnreadableDocument) as caught:
        parse_file(file)
    assert caught.value.path == str(file) and "二进制" in caught.value.reason


def test_truncated_in_a_table_parses_what_is_there(tmp_path):
    """001 cut in the middle of its 一般公共预算财政拨款基本支出表 (inside a row): no error, earlier tables intact."""
    text = (CORPUS / "001_f91b7b473888f42b.txt").read_text(encoding="utf-8")
    cut = text.index("30112\t其他社会保障缴费") + len("30112\t其他社会")
    truncated = tmp_path / "001_truncated.txt"
    truncated.write_text(text[:cut], encoding="utf-8")
    result = _kb_parse(truncated)
    assert result.returncode == 0, result.stderr
    extraction = parse_file(truncated)
    totals = extraction.totals  # the 部门收支总表 is cut off: the 财政拨款收支总表 (lines 3-18) gives the totals
    assert (totals.income_total, totals.general_public_budget, totals.carryover) == (3094.17, 2627.17, 467.0)
    assert len(extraction.function_subjects) == 20
    codes = [s.code for s in extraction.economic_subjects]
    assert codes[:3] == ["301", "30101", "30102"] and "30113" not in codes
    assert extraction.unit.name == "重庆市綦江区社会保险事务中心"


def test_truncated_before_anything_recognisable_is_an_error(tmp_path):
    truncated = tmp_path / "stub.txt"
    truncated.write_text("单位：万元\n收入\t\t支出\n", encoding="utf-8")
    result = _kb_parse(truncated)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "未识别出预算表格、单位或金额" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_truncated_inside_a_character_keeps_the_whole_characters(tmp_path, encoding):
    """A download cut inside a multi-byte character (inside a table row of 002) still parses in its encoding."""
    data = (CORPUS / "002_e9a684c38e2f8a64.txt").read_text(encoding="utf-8").encode(encoding)
    cut = data.index("30207".encode(encoding))  # inside 表6, the departmental economic classification
    cut = cut + len("30207\t邮".encode(encoding)) - 1  # one byte short of the character 邮
    truncated = tmp_path / f"002_cut_{encoding}.txt"
    truncated.write_bytes(data[:cut])
    extraction = parse_file(truncated)
    assert extraction.unit.name == "重庆市万盛经济技术开发区社会保险事务中心"
    assert extraction.totals.income_total == 1482.34 and extraction.totals.basic_expense == 697.48
    codes = [s.code for s in extraction.economic_subjects]
    assert codes[-1] == "30206" and len(extraction.function_subjects) == 23


def test_a_good_file_is_summarised_in_chinese():
    # 000 is 荣昌区社会保险事务中心's 2026 预算 (gold: 收入总计 2235.58 万元; 荣昌区民师生活医疗补助 170 万元)
    result = _kb_parse(CORPUS / "000_7c3d463bfeea7d61.txt")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "000_7c3d463bfeea7d61.txt：重庆市荣昌区社会保险事务中心（121003）2026年预算"
    assert "收入总计 2235.58" in lines[1] and "项目 10 个" in lines[2]
    assert any(line.strip().startswith("荣昌区民师生活医疗补助  170.0 万元") for line in lines[3:])
    assert not any(word in result.stdout for word in ("totals", "projects", "discrepancies", "line "))
