"""The Excel add-in xltools.xlam: built from sources, on any OS, from xlwings' ribbon template.

Sources (udfs/addin/): ribbon.csv — the buttons (Chinese labels, built-in icons, the VBA
callback of each); callbacks.bas — the callbacks as VBA text, each a RunPython call into
udfs.macros. The builder takes xlwings' quickstart_addin_ribbon.xlam (installed with
xlwings, so the add-in's xlwings VBA matches the Python package), and:

- replaces the ribbon (customUI.xml) with a tab 战新产业;
- replaces the template's ribbon module with one module `xltools_ribbon` holding the
  callbacks and a declaration of every Excel function of udfs.functions (the wrapper
  xlwings' "Import Functions" would write), so users skip that step and its "Trust access
  to the VBA project" setting; ThisWorkbook's Workbook_Open registers the functions'
  Chinese descriptions for the function wizard (Application.MacroOptions);
- names the project and its config `xltools` (%USERPROFILE%\\.xltools\\xltools.conf).

Changed modules are written as compressed source without p-code, which Excel compiles on
load (MS-OVBA; xlwings' own add-ins are built the same way). VBA text stays ASCII: Chinese
strings are built with ChrW, so the code page of the user's Excel does not matter.
"""
from __future__ import annotations

import csv
import io
import os
import struct
import sys
import zipfile
from dataclasses import dataclass
from importlib import resources
from xml.sax.saxutils import quoteattr

from . import cfb, ovba

MODULE = "xltools_ribbon"
PROJECT = "xltools"
TEMPLATE_MODULE = "RibbonMyAddin"
ADDIN_NAME = "xltools.xlam"
UDF_MODULE = "udfs.functions"
CATEGORY = "战新产业"
ZIP_DATE = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Button:
    id: str
    group: str
    label: str
    image: str
    callback: str
    screentip: str
    supertip: str


def _source_text(name: str) -> str:
    return resources.files("udfs").joinpath("addin", name).read_text(encoding="utf-8")


def buttons() -> list[Button]:
    return [Button(**row) for row in csv.DictReader(io.StringIO(_source_text("ribbon.csv")))]


def template_path() -> str:
    import xlwings

    return os.path.join(os.path.dirname(xlwings.__file__), "quickstart_addin_ribbon.xlam")


# ---------------------------------------------------------------- the ribbon

def ribbon_xml(items: list[Button]) -> str:
    groups: dict[str, list[Button]] = {}
    for b in items:
        groups.setdefault(b.group, []).append(b)
    lines = ['<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">',
             "  <ribbon>", "    <tabs>", f'      <tab id="xltoolsTab" label={quoteattr(CATEGORY)}>']
    for k, (group, members) in enumerate(groups.items(), start=1):
        lines.append(f'        <group id="xltoolsGroup{k}" label={quoteattr(group)}>')
        for b in members:
            lines.append(f'          <button id={quoteattr(b.id)} label={quoteattr(b.label)} size="large" '
                         f'imageMso={quoteattr(b.image)} onAction={quoteattr(f"{MODULE}.{b.callback}")} '
                         f'screentip={quoteattr(b.screentip)} supertip={quoteattr(b.supertip)} />')
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- VBA text

def vba_string(text: str, var: str, per_line: int = 12) -> list[str]:
    """Statements that build `text` in the VBA variable `var` with ChrW: ASCII source, any code page."""
    parts = [f"ChrW({ord(ch)})" if ord(ch) > 126 or ch == '"' else f'"{ch}"' for ch in text]
    lines = [f'{var} = ""']
    for i in range(0, len(parts), per_line):
        lines.append(f"{var} = {var} & " + " & ".join(parts[i:i + per_line]))
    return lines


def udf_declarations() -> tuple[list[str], list[str]]:
    """(the Function wrappers, the body of RegisterFunctions) for every function of udfs.functions."""
    import inspect

    import udfs.functions as f

    wrappers, register = [], []
    for name in f.EXCEL_FUNCTIONS:
        fn = getattr(f, name)
        args = list(fn.excel_args)
        array = ", ".join(args + ["Nothing"])  # the last argument, caller, is filled in by xlwings
        wrappers += [
            f"Function {name}({', '.join('Optional ' + a for a in args)})",
            '    #If App = "Microsoft Excel" Then',
            "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
            f'        {name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", Array({array}), ActiveWorkbook, '
            "Application.Caller)",
            "        Exit Function",
            "    #Else",
            f'        {name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", Array({array}))',
            "        Exit Function",
            "    #End If",
            "failed:",
            f"    {name} = Err.Description",
            "End Function",
            "",
        ]
        doc = " ".join(inspect.getdoc(fn).split())[:250]
        register += vba_string(doc, "d")
        descs = []
        for k, a in enumerate(args):
            register += vba_string(fn.excel_args[a][:250], f"a{k}")
            descs.append(f"a{k}")
        register.append(f'Application.MacroOptions Macro:="{name}", Description:=d, Category:=c, '
                        f"ArgumentDescriptions:=Array({', '.join(descs)})")
    return wrappers, register


def module_source() -> str:
    callbacks = _source_text("callbacks.bas").strip("\n").splitlines()
    wrappers, register = udf_declarations()
    lines = [f'Attribute VB_Name = "{MODULE}"',
             '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel',
             "' Built by `xltools addin build` from udfs/addin/ and udfs/functions.py: do not edit here.",
             "", *callbacks, "",
             "' ---- Excel functions of udfs.functions (what xlwings' Import Functions would write)", "",
             *wrappers,
             "Sub RegisterFunctions()",
             "    ' Descriptions for the function wizard; an Excel that refuses them still runs the functions.",
             "    On Error Resume Next",
             "    Dim c As String, d As String, a0 As String, a1 As String, a2 As String, a3 As String",
             *["    " + line for line in vba_string(CATEGORY, "c")],
             *["    " + line for line in register],
             "End Sub", ""]
    return "\r\n".join(lines)


WORKBOOK_OPEN = ["", "Private Sub Workbook_Open()", f"    {MODULE}.RegisterFunctions", "End Sub", ""]


# ---------------------------------------------------------------- the VBA project

def _module_text(streams: dict, records, name: bytes) -> str:
    m = next(m for m in ovba.modules(records) if m["name"] == name)
    raw = streams["VBA/" + m["stream"].decode("ascii")]
    return ovba.decompress(raw[m["offset"]:]).decode(ovba.codepage(records))


def build_vba_project(template: bytes) -> bytes:
    streams = cfb.read(template)
    records = ovba.parse_dir(ovba.decompress(streams["VBA/dir"]))
    cp = ovba.codepage(records)
    new_sources: dict[bytes, str] = {MODULE.encode(): module_source()}
    # The xlwings module: its config (sheet, files) is named after the project.
    xlwings_src = _module_text(streams, records, b"xlwings")
    marker = 'Public Const PROJECT_NAME As String = "myaddin"'
    if marker not in xlwings_src:
        raise RuntimeError("the xlwings template has changed: PROJECT_NAME not found")
    new_sources[b"xlwings"] = xlwings_src.replace(marker, f'Public Const PROJECT_NAME As String = "{PROJECT}"')
    this = _module_text(streams, records, b"ThisWorkbook").rstrip("\r\n")
    new_sources[b"ThisWorkbook"] = this + "\r\n" + "\r\n".join(WORKBOOK_OPEN)

    old = TEMPLATE_MODULE.encode()
    out_records = []
    for rid, payload in records:
        if rid == ovba.PROJECTNAME:
            payload = PROJECT.encode(cp)
        elif rid in (ovba.MODULENAME, ovba.MODULESTREAMNAME) and payload == old:
            payload = MODULE.encode(cp)
        elif rid in (ovba.MODULENAMEUNICODE, ovba.MODULESTREAMNAMEUNICODE) and payload == old.decode().encode(
                "utf-16-le"):
            payload = MODULE.encode("utf-16-le")
        out_records.append((rid, payload))
    for m in ovba.modules(out_records):
        if m["name"] in new_sources:
            out_records[m["offset_record"]] = (ovba.MODULEOFFSET, struct.pack("<I", 0))
    new_streams = {k: v for k, v in streams.items() if k != f"VBA/{TEMPLATE_MODULE}"}
    for name, text in new_sources.items():
        new_streams["VBA/" + name.decode()] = ovba.compress(text.encode(cp))
    new_streams["VBA/dir"] = ovba.compress(ovba.build_dir(out_records))
    new_streams["VBA/_VBA_PROJECT"] = bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00])  # recompile from source
    project = streams["PROJECT"].decode(cp)
    project = project.replace(f"Module={TEMPLATE_MODULE}", f"Module={MODULE}")
    project = project.replace('Name="MyAddin"', f'Name="{PROJECT}"')
    project = project.replace(f"{TEMPLATE_MODULE}=", f"{MODULE}=")
    new_streams["PROJECT"] = project.encode(cp)
    wm = b""
    for m in ovba.modules(out_records):
        wm += m["name"] + b"\0" + m["name"].decode(cp).encode("utf-16-le") + b"\0\0"
    new_streams["PROJECTwm"] = wm + b"\0\0"
    return cfb.write(new_streams)


# ---------------------------------------------------------------- the .xlam

def build(out: str, template: str | None = None) -> str:
    """Write the add-in to `out` (atomically) and return its path."""
    from .output import atomic_path

    template = template or template_path()
    with zipfile.ZipFile(template) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/vbaProject.bin"] = build_vba_project(parts["xl/vbaProject.bin"])
    parts["customUI/customUI.xml"] = ribbon_xml(buttons()).encode("utf-8")
    with atomic_path(out) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
    return out


# ---------------------------------------------------------------- install, uninstall, check

def startup_folder() -> str | None:
    """Where Excel loads add-ins from for the current user (what `xlwings addin install` uses)."""
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA")
        return os.path.join(appdata, "Microsoft", "Excel", "XLSTART") if appdata else None
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel")
    return None


def config_path() -> str:
    return os.path.join(os.path.expanduser("~"), f".{PROJECT}", f"{PROJECT}.conf")


def read_config(path: str | None = None) -> dict[str, str]:
    from udfs.engine import config_line

    path = path or config_path()
    found: dict[str, str] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8-sig") as fh:
            for line in fh:
                pair = config_line(line)
                if pair:
                    found[pair[0]] = pair[1]
    return found


def write_config(values: dict[str, str], path: str | None = None) -> str:
    """The config file in the form both the add-in's VBA (`Input #`) and udfs.engine read."""
    from .output import atomic_path

    path = path or config_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\r\n") as fh:
            for key, value in values.items():
                fh.write(f'"{key}","{value}"\n')
    return path


def interpreter_key() -> str:
    return "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"


def install(folder: str | None = None, interpreter: str | None = None) -> tuple[str, str]:
    folder = folder or startup_folder()
    if folder is None:
        from .errors import OutputError

        raise OutputError("本机不是 Windows 或 macOS，找不到 Excel 的启动文件夹；可用 --dir 指定安装到哪个文件夹")
    os.makedirs(folder, exist_ok=True)
    target = build(os.path.join(folder, ADDIN_NAME))
    values = read_config()
    values[interpreter_key()] = interpreter or sys.executable
    values["UDF MODULES"] = UDF_MODULE
    return target, write_config(values)


def uninstall(folder: str | None = None) -> str | None:
    folder = folder or startup_folder()
    target = os.path.join(folder, ADDIN_NAME) if folder else None
    if target and os.path.exists(target):
        os.remove(target)
        return target
    return None


@dataclass
class Check:
    ok: bool
    what: str
    fix: str = ""


def check(folder: str | None = None) -> list[Check]:
    """What a user's machine has and lacks for the add-in, in plain Chinese."""
    out = []
    windows, mac = sys.platform.startswith("win"), sys.platform == "darwin"
    out.append(Check(windows or mac, f"操作系统：{sys.platform}",
                     "Excel 加载项只能在 Windows 或 macOS 的 Excel 中使用；本机仍可使用命令行 xltools"))
    folder = folder or startup_folder()
    target = os.path.join(folder, ADDIN_NAME) if folder else None
    installed = bool(target and os.path.exists(target))
    out.append(Check(installed, f"加载项：{target or '（找不到 Excel 启动文件夹）'}",
                     "运行 xltools addin install 安装加载项，然后重新启动 Excel"))
    if installed:
        import hashlib
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            fresh = build(os.path.join(tmp, ADDIN_NAME))
            with open(fresh, "rb") as a, open(target, "rb") as b:
                same = hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest()
        out.append(Check(same, "加载项与本机安装的 xltools、xlwings 版本一致",
                         "升级 xltools 或 xlwings 后请重新运行 xltools addin install"))
    conf = read_config()
    out.append(Check(bool(conf), f"配置文件：{config_path()}", "运行 xltools addin install 写入配置"))
    interp = conf.get(interpreter_key(), "")
    out.append(Check(bool(interp) and os.path.exists(interp), f"Python 解释器（{interpreter_key()}）：{interp or '未设置'}",
                     "运行 xltools addin install，或在配置文件中写入 python.exe 的完整路径"))
    out.append(Check(UDF_MODULE in conf.get("UDF MODULES", ""), f"UDF MODULES：{conf.get('UDF MODULES', '未设置')}",
                     f"配置文件中应有 \"UDF MODULES\",\"{UDF_MODULE}\""))
    if windows:
        try:
            import win32com  # noqa: F401
            has_pywin32 = True
        except ImportError:
            has_pywin32 = False
        out.append(Check(has_pywin32, "pywin32（xlwings 在 Windows 上与 Excel 通信所需）",
                         "运行 python -m pip install pywin32"))
    try:
        import udfs.functions  # noqa: F401
        out.append(Check(True, "Python 中可以导入 udfs.functions"))
    except Exception as exc:  # what the user sees in Excel as #VALUE!
        out.append(Check(False, f"Python 中无法导入 udfs.functions：{exc}", "重新安装：python -m pip install xltools"))
    try:
        from udfs.engine import settings

        s = settings()
        out.append(Check(os.path.exists(s.source), f"数据源：{s.source}（{s.origin}）", "检查数据文件路径"))
    except Exception:
        out.append(Check(False, "数据源：未设置（也可以在每个工作簿中用“设置数据源”按钮设置）",
                         f'在 {config_path()} 中加一行 "SOURCE","数据文件的完整路径"'))
    return out
