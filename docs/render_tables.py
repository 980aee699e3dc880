"""Make the README's pictures of the printed 表1, 表2, 项目总览, the report and 趋势图: `python docs/render_tables.py`.

The sample's summary workbook and the sample ledger's tracker are rendered to PDF by LibreOffice
headless (formulas recalculated on load, as in the tests) and pages are cut out with poppler's
pdftoppm: 表1 (page 1 of the summary; its last rows and notes are on page 2), the first of 表2's three
pages across (page 3), the first of 项目总览's pages across (page 1 of the tracker), page 1 of the
report's .docx (with the sample ledger, by county), whole, as Writer prints it, and the trend workbook's
charts (page 2: the sample's year made into eleven cumulative exports by make_sample.cumulative). Needs
LibreOffice, poppler-utils and a CJK font (apt-get install libreoffice-calc libreoffice-writer poppler-utils
fonts-wqy-zenhei).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import libreoffice  # noqa: E402

SAMPLES = os.path.join(HERE, "..", "workbooks", "samples")
# command: (output's extension, arguments)
COMMANDS = {"summary": ("xlsx", []), "tracker": ("xlsx", []),
            "report": ("docx", [os.path.join(SAMPLES, "bureau_2022.xlsx"), "--by", "county",
                                "--ledger", os.path.join(SAMPLES, "ledger_2022.xlsx")])}
# (command, page, output, crop in pixels at 120 dpi: x, y, width, height; None: the whole page at 72 dpi)
PAGES = [("summary", 1, "table1", (40, 50, 1325, 745)), ("summary", 3, "table2", (40, 50, 1325, 420)),
         ("tracker", 1, "overview", (40, 50, 1325, 560)), ("report", 1, "report", None),
         ("trend", 2, "trend", (80, 168, 1195, 400))]
COMMANDS["trend"] = ("xlsx", [])
TREND_MONTHS = range(2, 13)  # the sample's year as the cumulative 1-2月 … 1-12月 exports


def inputs(command: str, tmp: str) -> list[str]:
    """The command's inputs: none (the bundled sample) but for trend, which takes the sample's year month by month."""
    if command != "trend":
        return []
    sys.path.insert(0, os.path.join(HERE, "..", "workbooks", "samples"))
    from make_sample import make_export

    return [make_export(os.path.join(tmp, f"2022年1-{m}月.xlsx"), period_title=f"2022年1-{m}月", month=m)
            for m in TREND_MONTHS]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = {}
        for command in sorted({c for c, *_ in PAGES}):
            ext, args = COMMANDS[command]
            out = os.path.join(tmp, f"{command}.{ext}")
            subprocess.run([sys.executable, "-m", "xltools", command, *args, *inputs(command, tmp), "-o", out],
                           check=True)
            pdfs[command] = libreoffice.to_pdf(out, tmp)
        for command, page, name, crop in PAGES:
            target = os.path.join(HERE, "images", name)
            area = ["-r", "120", "-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])] \
                if crop else ["-r", "72"]
            subprocess.run(["pdftoppm", *area, "-f", str(page), "-l", str(page), "-singlefile", "-png",
                            str(pdfs[command]), target], check=True)
            print(f"{target}.png")


if __name__ == "__main__":
    main()
