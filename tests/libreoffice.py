"""LibreOffice headless as an independent client: recalculate a workbook, render it to PDF.

OOXML formulas are recalculated on load only when the profile says so
(OOXMLRecalcMode = 0, "always"): a throw-away profile carries that setting, so
the values read back are LibreOffice's own, not the cached ones.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile(base: Path) -> Path:
    profile = base / "lo-profile"
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    return profile


def convert(path, out_dir, target: str, *, filter_name: str | None = None, timeout: int = 180) -> Path:
    """soffice --convert-to target; returns the converted file. Formulas are recalculated on load."""
    path, out_dir = Path(path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = _profile(out_dir)
    cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", target if not filter_name else f"{target}:{filter_name}", "--outdir", str(out_dir),
           str(path)]
    env = dict(os.environ, HOME=str(out_dir))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    out = out_dir / (path.stem + "." + target.split(":")[0])
    if not out.exists():
        raise RuntimeError(f"LibreOffice did not convert {path}: {proc.stdout}\n{proc.stderr}")
    return out


def recalculated(path, out_dir) -> Path:
    """A copy of the workbook whose cached values are LibreOffice's own recalculation."""
    return convert(path, out_dir, "xlsx")


def to_pdf(path, out_dir) -> Path:
    return convert(path, out_dir, "pdf")


def _times(m, n):
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


def printed_text(pdf) -> list[tuple[float, str, list[tuple[float, str]]]]:
    """Per page of a PDF: its width, its text, and every piece of text with its printed size in points
    (the font size times the scale of the text and page transforms, as the page is printed)."""
    import pypdf

    pages = []
    for page in pypdf.PdfReader(pdf).pages:
        pieces: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                m = _times(tm, cm)
                pieces.append((size * abs(m[0] * m[3] - m[1] * m[2]) ** 0.5, text))

        text = page.extract_text(visitor_text=visit)
        pages.append((float(page.mediabox.width), text, pieces))
    return pages
