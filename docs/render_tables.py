"""Make the README's pictures of the printed 表1, 表2 and 项目总览: `python docs/render_tables.py`.

The sample's summary workbook and the sample ledger's tracker are rendered to PDF by LibreOffice
headless (formulas recalculated on load, as in the tests) and pages are cut out with poppler's
pdftoppm: 表1 (page 1 of the summary; its last rows and notes are on page 2), the first of 表2's three
pages across (page 3) and the first of 项目总览's pages across (page 1 of the tracker). Needs LibreOffice, poppler-utils and a CJK font
(apt-get install libreoffice-calc poppler-utils fonts-wqy-zenhei).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import libreoffice  # noqa: E402

# (command, page, output, crop in pixels at 120 dpi: x, y, width, height)
PAGES = [("summary", 1, "table1", (40, 50, 1325, 745)), ("summary", 3, "table2", (40, 50, 1325, 420)),
         ("tracker", 1, "overview", (40, 50, 1325, 560))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = {}
        for command in sorted({c for c, *_ in PAGES}):
            out = os.path.join(tmp, f"{command}.xlsx")
            subprocess.run([sys.executable, "-m", "xltools", command, "-o", out], check=True)
            pdfs[command] = libreoffice.to_pdf(out, tmp)
        for command, page, name, (x, y, w, h) in PAGES:
            target = os.path.join(HERE, "images", name)
            subprocess.run(["pdftoppm", "-r", "120", "-f", str(page), "-l", str(page), "-singlefile", "-png",
                            "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdfs[command]), target],
                           check=True)
            print(f"{target}.png")


if __name__ == "__main__":
    main()
