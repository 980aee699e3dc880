"""Make the sample bureau export, deterministically: `python workbooks/samples/make_sample.py`.

A synthetic 2022年1-12月 export of the above-designated-size industrial
enterprises of a mid-sized nickel-and-copper city: about 300 enterprises, one
dominant smelting group, new materials and new energy the biggest strategic
emerging categories, a few loss makers, some new enterprises without
last-year figures, four counties. Laid out as the bureau's platform exports
it: a title row, a unit line, two header rows (names merged over 本期 /
上年同期 / 年初), a 合计 row first, footnotes last. Money in 千元.

`make_export(path, n, seed)` writes the same layout at any size; the
benchmarks use it for a 470 000-row national-scale file.
"""
from __future__ import annotations

import datetime
import os
import random
import sys

COUNTIES = ["镍都区", "永安县", "河西县", "经济技术开发区"]
PLACES = ["镍都", "永安", "河西", "经开"]
# (category, share of enterprises, industry codes typical of the city)
CATEGORIES = [
    ("新材料产业", 0.16, ["3216", "3217", "3219", "3240", "3252", "3985", "2614"]),
    ("新能源产业", 0.09, ["3825", "4415", "4416", "3842", "3841"]),
    ("节能环保产业", 0.05, ["4220", "3591", "4620"]),
    ("高端装备制造产业", 0.04, ["3421", "3511", "3491", "3399"]),
    ("新能源汽车产业", 0.03, ["3612", "3670", "3849"]),
    ("生物产业", 0.03, ["2720", "2740", "1495"]),
    ("新一代信息技术产业", 0.02, ["3985", "3976", "3982"]),
    ("相关服务业", 0.01, ["4420", "4610"]),
    ("数字创意产业", 0.0, []),
]
OTHER_CODES = ["0610", "0911", "0912", "1011", "1311", "1512", "1713", "2211", "2511", "2621", "2631",
               "3011", "3021", "3120", "3130", "3211", "3212", "3311", "3331", "4411", "4430", "4610"]
WORDS = ["金", "镍", "铜", "钴", "永", "兴", "昌", "华", "瑞", "恒", "泰", "鑫", "隆", "宏", "源", "晟", "达",
         "祁连", "河西", "丝路", "陇原", "西部", "天成", "新锐", "博通", "远航"]
TRADES = {"新材料产业": ["新材料", "有色金属", "合金材料", "化工"], "新能源产业": ["光伏", "新能源", "电力", "储能"],
          "节能环保产业": ["环保科技", "资源再生", "节能"], "高端装备制造产业": ["装备制造", "机械", "智能装备"],
          "新能源汽车产业": ["动力电池", "汽车零部件", "电池材料"], "生物产业": ["生物科技", "制药", "生物工程"],
          "新一代信息技术产业": ["电子科技", "信息技术", "电子材料"], "相关服务业": ["技术服务", "检测"],
          None: ["建材", "水泥", "食品", "矿业", "化工", "电力", "机械", "冶金", "纺织", "印刷"]}

MONEY = [("工业总产值", ("本期", "上年同期")), ("工业增加值", ("本期", "上年同期")),
         ("营业收入", ("本期", "上年同期")), ("营业成本", ("本期", "上年同期")),
         ("利润总额", ("本期", "上年同期")), ("资产总计", ("本期", "上年同期", "年初")),
         ("负债合计", ("本期", "上年同期")), ("产成品存货", ("本期", "年初")), ("应收账款", ("本期", "年初"))]
LEAD = ["序号", "统一社会信用代码", "单位详细名称", "行业代码", "县(区)", "战略性新兴产业类别",
        "登记注册类型", "企业规模"]
TAIL = ["平均用工人数(人)"]


def _credit_code(rnd: random.Random, i: int) -> str:
    return f"9162{rnd.randrange(10**4):04d}{i:06d}{rnd.choice('ABCDEFGHJKLMNPQRTUWXY')}{rnd.randrange(10)}"[:18]


def enterprises(n: int, seed: int):
    """Rows of (lead values, money dict, employees), deterministic for (n, seed)."""
    rnd = random.Random(seed)
    rows = []
    # The dominant smelting group and its subsidiaries.
    group = [("有色金属集团股份有限公司", "3213", None, 1.0),
             ("有色金属集团镍钴新材料有限公司", "3213", "新材料产业", 0.12),
             ("有色金属集团铜业有限公司", "3211", None, 0.10),
             ("有色金属集团电池材料有限公司", "3985", "新能源汽车产业", 0.05)]
    for i in range(n):
        if i < len(group) and n >= 50:
            name, code, cat, scale = group[i]
            name = "镍都" + name
            revenue = 180_000_000 * scale
        else:
            r = rnd.random()
            acc = 0.0
            cat, codes = None, OTHER_CODES
            for c, share, cs in CATEGORIES:
                acc += share
                if r < acc and cs:
                    cat, codes = c, cs
                    break
            code = rnd.choice(codes)
            w1, w2 = rnd.sample(WORDS, 2)
            name = f"{rnd.choice(PLACES)}{w1}{w2}{rnd.choice(TRADES[cat])}有限公司"
            revenue = 20_000 * (rnd.paretovariate(1.1)) * (3 if cat else 1)
            revenue = min(revenue, 8_000_000)
        revenue = round(revenue, 1)
        new = rnd.random() < 0.05 and i >= 4
        growth = rnd.gauss(0.12 if cat else 0.05, 0.12)
        margin = rnd.gauss(0.075 if cat else 0.05, 0.03)
        if i < 4 and n >= 50:
            growth, margin = (0.08, 0.062) if i == 0 else (0.15, 0.085)
        elif rnd.random() < 0.08:
            margin = -abs(rnd.gauss(0.04, 0.03))  # a loss maker
        va_rate = 0.30 if cat else 0.24
        cost_ratio = min(0.97, max(0.55, rnd.gauss(0.84, 0.05)))
        output = round(revenue * rnd.uniform(0.95, 1.08), 1)
        assets = round(revenue * rnd.uniform(0.8, 1.6), 1)
        debt = rnd.uniform(0.35, 0.75)
        m = {
            "工业总产值": (output, None if new else round(output / (1 + growth), 1)),
            "工业增加值": (round(output * va_rate, 1), None if new else round(output * va_rate / (1 + growth * 0.8), 1)),
            "营业收入": (revenue, None if new else round(revenue / (1 + growth), 1)),
            "营业成本": (round(revenue * cost_ratio, 1), None if new else round(revenue * (cost_ratio + 0.01) / (1 + growth), 1)),
            "利润总额": (round(revenue * margin, 1), None if new else round(revenue * (margin - rnd.gauss(0.004, 0.01)) / (1 + growth), 1)),
            "资产总计": (assets, None if new else round(assets / (1 + growth * 0.5), 1), round(assets * 0.95, 1)),
            "负债合计": (round(assets * debt, 1), None if new else round(assets * (debt + 0.01) / (1 + growth * 0.5), 1)),
            "产成品存货": (round(revenue * rnd.uniform(0.01, 0.06), 1), round(revenue * rnd.uniform(0.01, 0.06), 1)),
            "应收账款": (round(revenue * rnd.uniform(0.05, 0.2), 1), round(revenue * rnd.uniform(0.05, 0.2), 1)),
        }
        employees = max(20, int(revenue / rnd.uniform(800, 2500)))
        lead = [i + 1, _credit_code(rnd, i), name, code, _county(rnd, name), cat or "",
                rnd.choice(["有限责任公司", "股份有限公司", "私营企业", "国有企业"]),
                "大型" if revenue > 400_000 else ("中型" if revenue > 20_000 else "小型")]
        rows.append((lead, m, employees))
    return rows


def _county(rnd: random.Random, name: str) -> str:
    for place, county in zip(PLACES, COUNTIES):
        if name.startswith(place):
            return county
    return rnd.choice(COUNTIES)


FLOWS = ("工业总产值", "工业增加值", "营业收入", "营业成本", "利润总额")


def cumulative(rows, month: int, seed: int):
    """The 1-`month`月 cumulative rows of a year: each enterprise's flows accumulate by its own monthly path
    (February lower, as around the Spring Festival), last year's by a path close to it; about 2 % of the
    enterprises enter after January and 1 % leave before December. Balances stay the year's."""
    out = []
    for i, (lead, m, employees) in enumerate(rows):
        rnd = random.Random(seed * 7919 + i)
        enters = rnd.randrange(2, 13) if rnd.random() < 0.02 and i >= 4 else 1
        leaves = rnd.randrange(2, 13) if rnd.random() < 0.01 and i >= 4 else 13  # the first month absent
        if month < enters or month >= leaves:
            continue
        weights = [rnd.uniform(0.8, 1.2) * (0.7 if k == 1 else 1.0) for k in range(12)]
        weights_ly = [w * rnd.uniform(0.95, 1.05) for w in weights]
        share = sum(weights[:month]) / sum(weights)
        share_ly = sum(weights_ly[:month]) / sum(weights_ly)
        scaled = dict(m)
        for name in FLOWS:
            cur, ly = m[name]
            scaled[name] = (round(cur * share, 1), None if ly is None else round(ly * share_ly, 1))
        out.append((lead, scaled, employees))
    return out


def make_export(path: str, n: int = 312, seed: int = 2022, *, period_title: str = "2022年1-12月",
                big: bool = False, month: int | None = None) -> str:
    """Write a bureau export of n enterprises in the platform's layout; with `month`, the cumulative
    1-month月 export of the same year (cumulative())."""
    import xlsxwriter

    rows = enterprises(n, seed)
    if month is not None:
        rows = cumulative(rows, month, seed)
    wb = xlsxwriter.Workbook(path, {"constant_memory": big, "strings_to_formulas": False,
                                    "strings_to_numbers": False})
    # A fixed creation date: the same script makes the same bytes.
    wb.set_properties({"title": f"{period_title}规模以上工业企业主要经济指标", "author": "xltools 样例数据（合成）",
                       "created": datetime.datetime(2023, 1, 20, 9, 0, 0)})
    ws = wb.add_worksheet("规上工业企业")
    title = wb.add_format({"bold": True, "font_name": "宋体", "font_size": 14})
    head = wb.add_format({"bold": True, "font_name": "宋体", "border": 1, "align": "center",
                          "valign": "vcenter", "text_wrap": True})
    body = wb.add_format({"font_name": "宋体"})
    num = wb.add_format({"font_name": "宋体", "num_format": "#,##0.0"})
    ws.write(0, 0, f"{period_title}规模以上工业企业主要经济指标", title)
    ws.write(1, 0, "单位：千元", body)
    # Header rows 3 and 4: lead columns merged vertically, money names merged over their markers.
    # Row 3 is written whole before row 4 (constant_memory mode writes rows in order).
    def vertical(col, text):
        if big:
            ws.write(2, col, text, head)
        else:
            ws.merge_range(2, col, 3, col, text, head)

    c = 0
    for h in LEAD:
        vertical(c, h)
        c += 1
    for name, markers in MONEY:
        if len(markers) > 1:
            ws.merge_range(2, c, 2, c + len(markers) - 1, name, head)
        else:
            ws.write(2, c, name, head)
        c += len(markers)
    for h in TAIL:
        vertical(c, h)
        c += 1
    c = len(LEAD)
    for name, markers in MONEY:
        for k, mk in enumerate(markers):
            ws.write(3, c + k, mk, head)
        c += len(markers)
    c += len(TAIL)
    ws.freeze_panes(4, 3)
    r = 4
    # The platform puts the total first: it must be skipped, never summed.
    totals = [0.0] * (c - len(LEAD) - len(TAIL))
    for _, m, _ in rows:
        k = 0
        for name, markers in MONEY:
            for j in range(len(markers)):
                totals[k] += m[name][j] or 0
                k += 1
    if not big:
        ws.write(r, 0, "合计", body)
        ws.write_row(r, len(LEAD), [round(t, 1) for t in totals], num)
        ws.write(r, c - 1, sum(e for *_, e in rows), body)
        r += 1
    for lead, m, employees in rows:
        ws.write_row(r, 0, lead, body)
        k = len(LEAD)
        for name, markers in MONEY:
            for j in range(len(markers)):
                v = m[name][j]
                if v is None:
                    ws.write_string(r, k, "-", body)  # no last-year figure: a new enterprise
                else:
                    ws.write_number(r, k, v, num)
                k += 1
        ws.write_number(r, k, employees, body)
        r += 1
    ws.write(r + 1, 0, "注：本表为规模以上工业企业快报数据，金额单位为千元。", body)
    ws.write(r + 2, 0, "数据来源：统计联网直报平台。", body)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 2, 30)
    ws.set_column(3, c, 12)
    wb.close()
    return path


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "bureau_2022.xlsx")
    print(make_export(out))
