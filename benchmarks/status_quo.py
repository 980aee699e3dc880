"""Against the status quo: a hand-built SUMIFS workbook recalculated by LibreOffice, versus
`xltools summary`, on the same export: `python benchmarks/status_quo.py [--rows N]`.

The statistician's workbook today: the export pasted into a sheet 数据 (N enterprises), and a
sheet 汇总 of SUMIFS/COUNTIFS formulas — each money column, this year and last, for all
industry, the SEI and each of the nine categories — with the ratios (profit margin, cost per
100 yuan, debt ratio, growth rates) over them. LibreOffice headless opens it with
recalculation forced, recalculates every formula and saves it (what pressing F9 and saving
costs); `xltools summary` reads the raw export and writes the summary workbook. Both are
timed here, in the same run, as fresh processes; median of --repeat.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))

MONEY = ["output_value", "value_added", "revenue", "operating_cost", "total_profit", "total_assets",
         "total_liabilities", "finished_goods", "receivables"]


def sumifs_workbook(export: str, out: str) -> int:
    """The hand-built workbook over the export's enterprises; returns the number of formulas."""
    import xlsxwriter

    import xltools
    from xltools.errors import column_letter
    from xltools.sei import category_names

    data = xltools.load(export)
    f = data.frame
    cols = ["ent_id", "ent_name", "sei_category"] + [c for m in MONEY for c in (f"{m}_cur", f"{m}_ly")
                                                      if c in f.columns]
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet("数据")
    ws.write_row(0, 0, cols)
    n = len(f)
    values = [f[c].tolist() for c in cols]
    for r in range(n):
        ws.write_row(r + 1, 0, ["" if v is None or v != v else v for v in (col[r] for col in values)])
    summary = wb.add_worksheet("汇总")
    last = n + 1
    cat = f"数据!$C$2:$C${last}"
    scopes = [("全市", None), ("战新", '"<>"')] + [(name, f'"{name}"') for name in category_names()]
    money_cols = cols[3:]
    summary.write_row(0, 0, ["范围", "企业数"] + money_cols + ["营业收入利润率", "每百元营业收入中的成本", "资产负债率",
                                                            "营业收入增速", "利润总额增速"])
    formulas = 0
    for i, (label, crit) in enumerate(scopes, start=1):
        summary.write(i, 0, label)
        summary.write_formula(i, 1, f"=COUNTA(数据!$A$2:$A${last})" if crit is None else f"=COUNTIFS({cat},{crit})")
        formulas += 1
        for j, c in enumerate(money_cols):
            rng = f"数据!${column_letter(3 + j)}$2:${column_letter(3 + j)}${last}"
            summary.write_formula(i, 2 + j, f"=SUM({rng})" if crit is None else f"=SUMIFS({rng},{cat},{crit})")
            formulas += 1
        ref = {c: f"{column_letter(2 + j)}{i + 1}" for j, c in enumerate(money_cols)}
        k = 2 + len(money_cols)
        ratios = [f"=IF({ref['revenue_cur']}=0,\"—\",{ref['total_profit_cur']}/{ref['revenue_cur']}*100)",
                  f"=IF({ref['revenue_cur']}=0,\"—\",{ref['operating_cost_cur']}/{ref['revenue_cur']}*100)",
                  f"=IF({ref['total_assets_cur']}=0,\"—\",{ref['total_liabilities_cur']}/{ref['total_assets_cur']}*100)",
                  f"=IF({ref['revenue_ly']}<=0,\"—\",({ref['revenue_cur']}/{ref['revenue_ly']}-1)*100)",
                  f"=IF({ref['total_profit_ly']}<=0,\"—\",({ref['total_profit_cur']}/{ref['total_profit_ly']}-1)*100)"]
        for m, formula in enumerate(ratios):
            summary.write_formula(i, k + m, formula)
            formulas += 1
    wb.close()
    return formulas


def timed(cmd: list[str], env=None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - t


def main() -> None:
    import libreoffice
    from read import export_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    export = export_path(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        book = os.path.join(tmp, "手工汇总.xlsx")
        formulas = sumifs_workbook(export, book)
        profile = os.path.join(tmp, "lo")
        libreoffice.recalculated(book, profile)  # first start of a fresh profile: not counted
        lo, ours = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            libreoffice.recalculated(book, profile)
            lo.append(time.perf_counter() - t)
            ours.append(timed([sys.executable, "-m", "xltools", "summary", export, "-o",
                               os.path.join(tmp, "summary.xlsx")]))
        a, b = statistics.median(lo), statistics.median(ours)
    print(f"export: {args.rows} enterprises; hand-built workbook: {formulas} SUMIFS/COUNTIFS and ratio formulas "
          f"over the pasted rows; {os.cpu_count()} cores, median of {args.repeat}")
    print(f"  LibreOffice headless: open, recalculate every formula, save   {a:6.2f} s")
    print(f"  xltools summary: read the raw export, compute, write workbook  {b:6.2f} s")
    print(f"  ratio {a / b:.1f}x")


if __name__ == "__main__":
    main()
