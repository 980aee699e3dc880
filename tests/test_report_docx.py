"""The report's .docx as LibreOffice Writer prints it: headings stand out from the body even where 黑体
and 仿宋 are missing (here only WenQuanYi Zen Hei is: one face for every Chinese font name)."""
from __future__ import annotations

import os
import re

import libreoffice as lo
from helpers import run_cli

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "workbooks", "samples", "bureau_2022.xlsx")
LEDGER = os.path.join(HERE, "..", "workbooks", "samples", "ledger_2022.xlsx")


def printed_pieces(pdf) -> list[dict]:
    """Every piece of text on every page with the face it is printed in: the font's name without its subset
    prefix, bold (a bold face, or a regular one filled and stroked: LibreOffice's synthetic bold), and the
    printed size in points."""
    import pypdf

    pieces = []
    mode = {"tr": 0}   # the text rendering mode in force: 0 fill, 2 fill and stroke

    def before(op, args, cm, tm):
        if op == b"BT":
            mode["tr"] = 0
        elif op == b"Tr":
            mode["tr"] = int(args[0])

    def text(piece, cm, tm, font, size):
        if not piece.strip() or not font:
            return
        name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
        m = lo._times(tm, cm)
        pieces.append({"text": piece.strip(), "font": name.replace("-Bold", ""),
                       "bold": "Bold" in name or mode["tr"] == 2,
                       "size": round(size * abs(m[0] * m[3] - m[1] * m[2]) ** 0.5, 1)})

    for page in pypdf.PdfReader(pdf).pages:
        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return pieces


def test_headings_stand_out_in_the_printed_docx(tmp_path, libreoffice):
    out = tmp_path / "发展现状.docx"
    proc = run_cli("report", SAMPLE, "--ledger", LEDGER, "--by", "county", "-o", out)
    assert proc.returncode == 0, proc.stderr
    pdf = lo.to_pdf(out, tmp_path)
    pieces = printed_pieces(pdf)
    headings = [p for p in pieces if re.fullmatch(r"[一二三四]、\S+|说明", p["text"])]
    assert [p["text"] for p in headings] == ["一、总体发展概况", "二、发展特点", "三、工业投资项目进展", "四、产业结构", "说明"]
    body = [p for p in pieces if p not in headings and re.search(r"[\u4e00-\u9fff]", p["text"])
            and p["size"] < 20]                                                      # the title is 22 pt
    assert len(body) > 50
    body_faces = {(p["font"], p["bold"]) for p in body}
    for h in headings:
        # a different face from every piece of the body's Chinese text: bold, or another family
        assert (h["font"], h["bold"]) not in body_faces, (h, body_faces)
        assert h["size"] >= max(p["size"] for p in body)
    assert all(h["bold"] for h in headings) and not any(p["bold"] for p in body)
    title = next(p for p in pieces if "战略性新兴产业发展现状" in p["text"])
    assert title["bold"] and title["size"] == 22
    # Numbers stay whole at line ends ("14.0%", never "14." + "0%").
    import pypdf

    for page in pypdf.PdfReader(pdf).pages:
        for line in page.extract_text().splitlines():
            assert not re.search(r"\d\.$", line.strip()), line


def test_docx_declares_the_fonts_and_their_fallbacks(tmp_path):
    """What the document itself says, whatever the viewer has: the Chinese names in the font table with their
    English names (w:altName) and GB2312 charset, Chinese text marked zh-CN, headings 黑体 bold."""
    import zipfile

    import docx
    from docx.oxml.ns import qn

    out = tmp_path / "r.docx"
    assert run_cli("report", SAMPLE, "-o", out).returncode == 0
    table = zipfile.ZipFile(out).read("word/fontTable.xml").decode("utf-8")
    for name, alt in (("黑体", "SimHei"), ("仿宋", "FangSong"), ("宋体", "SimSun")):
        entry = re.search(rf'<w:font w:name="{name}">(.*?)</w:font>', table, re.S)
        assert entry and f'<w:altName w:val="{alt}"/>' in entry.group(1) and 'w:val="86"' in entry.group(1)
    paras = [p for p in docx.Document(str(out)).paragraphs if p.text]
    heading = next(p for p in paras if p.text == "一、总体发展概况")
    run = heading.runs[0]
    assert run.font.bold and run._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert run._element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    body = paras[2].runs[0]
    assert not body.font.bold and body.font.name == "Times New Roman"
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


def test_the_readme_shows_page_one_of_the_report():
    with open(os.path.join(HERE, "..", "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    assert "](docs/images/report.png)" in readme
    assert os.path.getsize(os.path.join(HERE, "..", "docs", "images", "report.png")) > 10000
    with open(os.path.join(HERE, "..", "docs", "render_tables.py"), encoding="utf-8") as fh:
        assert '"report"' in fh.read()


def test_own_properties_and_page_numbers(tmp_path, libreoffice):
    import datetime as dt
    import zipfile

    import docx

    out = tmp_path / "发展现状.docx"
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    proc = run_cli("report", SAMPLE, "-o", out)
    assert proc.returncode == 0, proc.stderr
    props = docx.Document(out).core_properties
    assert props.title == "2022年全市战略性新兴产业发展现状"
    assert props.author == "xltools" and props.last_modified_by == "xltools" and props.language == "zh-CN"
    assert props.comments == "" and before <= props.created == props.modified <= before + dt.timedelta(minutes=5)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert not any("thumbnail" in n for n in names)
        assert b"python-docx" not in z.read("docProps/core.xml") and b"Word" not in z.read("docProps/app.xml")
        assert b"thumbnail" not in z.read("_rels/.rels")
        footer = z.read("word/footer1.xml").decode()
        assert "PAGE" in footer and 'w:jc w:val="center"' in footer
    pages = lo.printed_text(lo.to_pdf(out, tmp_path))
    for number, (_, text, _) in enumerate(pages, 1):
        assert f"— {number} —" in text, text[-200:]
