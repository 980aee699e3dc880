"""Make the sample project ledger, deterministically: `python workbooks/samples/make_ledger.py`.

ledger_2022.xlsx, modelled on the report's 工业投资项目进展: a smelting group's two provincial
key projects — the nickel smelting system upgrade (总投资 8.6 亿元) with its sub-projects (one
built, one under construction, one installing equipment) and the refining line upgrade —
several city key projects and others, and the city's fixed-asset investment totals.
Synthetic figures; money in 万元 as ledgers keep it. Three sheets as offices keep them:
项目 (one row per project), 子项 (sub-projects by 项目编号), 全市投资 (a small two-column table).
"""
from __future__ import annotations

import datetime
import os

HERE = os.path.dirname(os.path.abspath(__file__))
D = datetime.date

PROJECTS = [
    # 编号, 名称, 建设单位, 级别, 战新类别, 性质, 总投资, 开工, 计划竣工, 本年计划, 本年完成, 累计完成, 形象进度, 状态
    ("SL-01", "镍冶炼系统提质增效升级改造项目", "镍都集团有限公司", "省列重大", "新材料产业", "技术改造", 86000,
     D(2021, 3, 1), D(2023, 6, 30), 42000, 38600, 61800, "熔炼系统改造已建成，转炉系统改造施工中，余热发电设备安装中", "在建"),
    ("SL-02", "镍精炼生产线升级改造项目", "镍都集团有限公司", "省列重大", "新材料产业", "改扩建", 52000,
     D(2021, 9, 1), D(2023, 12, 31), 30000, 21500, 29800, "电解车间主体完工，净化系统设备招标完成", "在建"),
    ("SZ-01", "年产2万吨电池级硫酸镍项目", "金源新材料科技有限公司", "市列重点", "新能源汽车产业", "新建", 35000,
     D(2022, 2, 15), D(2023, 3, 31), 25000, 24100, 24100, "主体车间封顶，设备安装完成60%", "在建"),
    ("SZ-02", "铜箔生产线扩能项目", "河西铜业有限公司", "市列重点", "新材料产业", "改扩建", 18000,
     D(2021, 6, 1), D(2022, 6, 30), 6000, 6000, 18000, "已建成投产", "已建成"),
    ("SZ-03", "光伏组件智能制造项目", "永安光电科技有限公司", "市列重点", "新能源产业", "新建", 24000,
     D(2022, 5, 1), D(2023, 10, 31), 15000, 4200, 4200, "场地平整完成，厂房基础施工中", "在建"),
    ("SZ-04", "工业固废综合利用项目", "经开区资源再生有限公司", "市列重点", "节能环保产业", "新建", 12000,
     D(2023, 3, 1), D(2024, 6, 30), 1500, 600, 600, "可研批复，环评公示中", "前期"),
    ("QT-01", "水泥窑协同处置技术改造项目", "祁连建材有限公司", "其他", "", "技术改造", 6800,
     D(2022, 4, 1), D(2022, 12, 31), 6800, 3100, 3100, "因资金原因暂缓施工", "停缓建"),
]
SUBPROJECTS = [
    # 项目编号, 子项名称, 总投资, 累计完成, 状态, 形象进度, 计划竣工
    ("SL-01", "熔炼系统改造", 31000, 31000, "已建成", "已建成", D(2022, 6, 30)),
    ("SL-01", "转炉系统改造", 33000, 21300, "在建", "正在施工", D(2023, 3, 31)),
    ("SL-01", "余热发电及环保配套", 22000, 9500, "在建", "设备安装中", D(2023, 6, 30)),
    ("SL-02", "电解车间改造", 28000, 21800, "在建", "主体完工，内部装修", D(2023, 6, 30)),
    ("SL-02", "净化系统升级", 24000, 8000, "在建", "设备招标完成", D(2023, 12, 31)),
    ("SZ-01", "硫酸镍车间", 26000, 19600, "在建", "设备安装中", D(2023, 3, 31)),
    ("SZ-01", "公用工程", 9000, 4500, "在建", "施工中", D(2023, 3, 31)),
]
TOTALS = [("全市固定资产投资（本期）", 1865000), ("全市固定资产投资（上年同期）", 1728000),
          ("工业固定资产投资（本期）", 742000), ("工业固定资产投资（上年同期）", 619000)]


def _write_rows(ws, first: int, rows, body, date) -> None:
    """Dates as Excel dates, texts as texts, amounts as numbers."""
    for r, row in enumerate(rows, start=first):
        for c, v in enumerate(row):
            if isinstance(v, D):
                ws.write_datetime(r, c, datetime.datetime.combine(v, datetime.time()), date)
            elif isinstance(v, str):
                ws.write_string(r, c, v, body)
            else:
                ws.write_number(r, c, v, body)


def make_ledger(path: str) -> str:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False})
    wb.set_properties({"title": "2022年重点工业投资项目台账", "author": "xltools 样例数据（合成）",
                       "created": datetime.datetime(2023, 1, 5, 9, 0, 0)})
    bold = wb.add_format({"bold": True, "font_name": "宋体", "border": 1, "text_wrap": True})
    body = wb.add_format({"font_name": "宋体"})
    date = wb.add_format({"font_name": "宋体", "num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("项目")
    ws.write(0, 0, "2022年重点工业投资项目台账", wb.add_format({"bold": True, "font_name": "宋体", "font_size": 14}))
    ws.write(1, 0, "单位：万元", body)
    head = ["项目编号", "项目名称", "建设单位", "项目级别", "战新产业类别", "建设性质", "总投资", "开工日期", "计划竣工日期",
            "本年计划投资", "本年完成投资", "累计完成投资", "形象进度", "状态"]
    ws.write_row(2, 0, head, bold)
    _write_rows(ws, 3, PROJECTS, body, date)
    ws.set_column(1, 2, 30)
    sub = wb.add_worksheet("子项")
    sub.write_row(0, 0, ["项目编号", "子项名称", "总投资(万元)", "累计完成投资(万元)", "状态", "形象进度", "计划竣工日期"], bold)
    _write_rows(sub, 1, SUBPROJECTS, body, date)
    tot = wb.add_worksheet("全市投资")
    tot.write(0, 0, "2022年全市固定资产投资", bold)
    tot.write(1, 0, "单位：万元", body)
    for r, (label, value) in enumerate(TOTALS, start=2):
        tot.write_string(r, 0, label, body)
        tot.write_number(r, 1, value, body)
    wb.close()
    return path


if __name__ == "__main__":
    print(make_ledger(os.path.join(HERE, "ledger_2022.xlsx")))
