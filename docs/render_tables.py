"""Make the README's pictures of 表1 and 表2: `python docs/render_tables.py`.

The sample's summary workbook is rendered to PDF by LibreOffice headless (formulas
recalculated on load, as in the tests) and its first two pages are cut out with
poppler's pdftoppm. Needs LibreOffice, poppler-utils and a CJK font
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

# (page, output, crop in pixels at 120 dpi: x, y, width, height)
PAGES = [(1, "table1", (40, 50, 1325, 745)), (2, "table2", (40, 50, 1325, 330))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "summary.xlsx")
        subprocess.run([sys.executable, "-m", "xltools", "summary", "-o", out], check=True)
        pdf = libreoffice.to_pdf(out, tmp)
        for page, name, (x, y, w, h) in PAGES:
            target = os.path.join(HERE, "images", name)
            subprocess.run(["pdftoppm", "-r", "120", "-f", str(page), "-l", str(page), "-singlefile", "-png",
                            "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), target], check=True)
            print(f"{target}.png")


if __name__ == "__main__":
    main()
