"""The Excel add-in xltools.xlam: built from sources, on any OS, from xlwings' ribbon template.

Sources (udfs/addin/): ribbon.csv — the buttons (Chinese labels, built-in icons, the VBA
callback of each); callbacks.bas — the callbacks as VBA text, each a RunPython call into
udfs.macros. The builder takes xlwings' quickstart_addin_ribbon.xlam (installed with
xlwings, so the add-in's xlwings VBA matches the Python package), and:

- replaces the ribbon (customUI.xml) with a tab 战新产业;
- replaces the template's ribbon module with three modules of its own, so that Excel, which
  compiles a module as a whole, cannot lose one to a fault in another:
  `xltools_ribbon` — the button callbacks only;
  `xltools_functions` — a declaration of every Excel function of udfs.functions, exactly what
  xlwings' "Import Functions" writes, so users skip that step and its "Trust access to the VBA
  project" setting;
  `xltools_descriptions` — the functions' Chinese descriptions for the function wizard
  (Application.MacroOptions), one small Sub per function, registered by ThisWorkbook's
  Workbook_Open; a description Excel refuses is counted and reported, not hidden;
- names the project and its config `xltools` (udfs.engine.user_config_path).

Every generated procedure is kept far below VBA's 64 KB p-code limit per procedure ("Procedure
too large"): `build` measures each one and refuses to write an add-in that breaks the budget
(MAX_PROCEDURE_LINES, MAX_PROCEDURE_CHARS). Changed modules are written as compressed source
without p-code, which Excel compiles on load (MS-OVBA; xlwings' own add-ins are built the same
way). VBA text stays ASCII: Chinese text is kept as UTF-16 code units in decimal digits, which
the VBA decodes with ChrW, so the code page of the user's Excel does not matter.
"""
from __future__ import annotations

import csv
import io
import os
import re
import struct
import sys
import zipfile
from dataclasses import dataclass
from importlib import resources
from xml.sax.saxutils import quoteattr

from . import cfb, ovba

RIBBON_MODULE = "xltools_ribbon"              # the buttons' callbacks (customUI's onAction names it)
FUNCTIONS_MODULE = "xltools_functions"        # the Excel functions, as xlwings' Import Functions declares them
DESCRIPTIONS_MODULE = "xltools_descriptions"  # their Chinese descriptions for the function wizard
PROJECT = "xltools"
TEMPLATE_MODULE = "RibbonMyAddin"
ADDIN_NAME = "xltools.xlam"
UDF_MODULE = "udfs.functions"
CATEGORY = "战新产业"
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
# Excel's limits for generated VBA, with a wide margin: VBA refuses a procedure whose p-code passes 64 KB
# ("Procedure too large"); the largest procedure xlwings ships is 338 lines / 11 500 characters.
MAX_PROCEDURE_LINES, MAX_PROCEDURE_CHARS = 150, 6000
MAX_LINE_CHARS = 1023  # one physical line of VBA source


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
                         f'imageMso={quoteattr(b.image)} onAction={quoteattr(f"{RIBBON_MODULE}.{b.callback}")} '
                         f'screentip={quoteattr(b.screentip)} supertip={quoteattr(b.supertip)} />')
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- VBA text

def _header(module: str, purpose: str) -> list[str]:
    return [f'Attribute VB_Name = "{module}"',
            f"' Built by `xltools addin build` from {purpose}: do not edit here."]


def callbacks_module() -> str:
    """The ribbon's callbacks (udfs/addin/callbacks.bas): nothing else, so nothing else can stop them compiling."""
    callbacks = _source_text("callbacks.bas").strip("\n").splitlines()
    return "\r\n".join([*_header(RIBBON_MODULE, "udfs/addin/callbacks.bas"), "", *callbacks, ""])


def _wrapper(name: str, fn) -> list[str]:
    """What xlwings' generate_vba_wrapper writes for a function (xlwings.udfs, Windows): arguments with a
    default are Optional, `caller` is hidden and passed as Nothing (xlwings fills in the calling cell)."""
    import inspect

    params = list(inspect.signature(fn).parameters.values())
    shown = [("Optional " if p.default is not p.empty else "") + p.name for p in params if p.name != "caller"]
    array = "Array(" + ", ".join("Nothing" if p.name == "caller" else p.name for p in params) + ")"
    call = f'XLPy.CallUDF("{UDF_MODULE}", "{name}", {array}'
    return [f"Function {name}({', '.join(shown)})",
            '    #If App = "Microsoft Excel" Then',
            "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
            f"        {name} = {call}, ActiveWorkbook, Application.Caller)",
            "        Exit Function",
            "    #Else",
            f"        {name} = {call})",
            "        Exit Function",
            "    #End If",
            "failed:",
            f"    {name} = Err.Description",
            "End Function",
            ""]


def functions_module() -> str:
    """Every function of udfs.functions declared as xlwings' Import Functions would (in its order, by name)."""
    import udfs.functions as f

    wrappers = [line for name in sorted(f.EXCEL_FUNCTIONS) for line in _wrapper(name, getattr(f, name))]
    return "\r\n".join([*_header(FUNCTIONS_MODULE, "udfs/functions.py"),
                         '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel', "", *wrappers])


def code_units(text: str) -> str:
    """Text as five decimal digits per UTF-16 code unit: ASCII in the VBA source, any code page;
    the VBA function Decoded turns it back."""
    data = text.encode("utf-16-le")
    return "".join(f"{int.from_bytes(data[i:i + 2], 'little'):05d}" for i in range(0, len(data), 2))


def _assign(var: str, text: str, width: int = 200) -> list[str]:
    digits = code_units(text)
    chunks = [digits[i:i + width] for i in range(0, len(digits), width)] or [""]
    return [f'    {var} = "{chunks[0]}"'] + [f'    {var} = {var} & "{chunk}"' for chunk in chunks[1:]]


def _describe(name: str, fn) -> list[str]:
    """One small Sub per function: its description and its arguments' descriptions, then one call to Describe."""
    import inspect

    doc = " ".join(inspect.getdoc(fn).split())[:250]
    args = [f"a{k}" for k in range(len(fn.excel_args))]
    lines = [f"Private Sub Describe_{name}()", "    Dim d As String" + "".join(f", {a} As String" for a in args),
             *_assign("d", doc)]
    for var, arg_doc in zip(args, fn.excel_args.values()):
        lines += _assign(var, arg_doc[:250])
    return lines + [f'    Describe "{name}", d, Array({", ".join(args)})', "End Sub", ""]


DESCRIBE = """\
Public Function RegisterFunctions() As Long
    ' Called by Workbook_Open. Each description is registered on its own: one that Excel refuses is
    ' counted and printed (VBA editor, Immediate window), the others still register, and the status
    ' bar says how many failed. Returns that number.
    failures = 0
{calls}
    If failures > 0 Then Application.StatusBar = "xltools: " & failures & Decoded("{status}")
    RegisterFunctions = failures
End Function

Private Sub Describe(ByVal fnName As String, ByVal fnDoc As String, ByVal argDocs As Variant)
    ' Application.MacroOptions on the qualified name, as xlwings does ('book'!name); argument
    ' descriptions need Excel 2010 (version 14) or later.
    Dim k As Long
    On Error GoTo refused
    For k = LBound(argDocs) To UBound(argDocs)
        argDocs(k) = Decoded(argDocs(k))
    Next k
    If Val(Application.Version) >= 14 Then
        Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!" & fnName, Description:=Decoded(fnDoc), _
            Category:=Decoded("{category}"), ArgumentDescriptions:=argDocs
    Else
        Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!" & fnName, Description:=Decoded(fnDoc), _
            Category:=Decoded("{category}")
    End If
    Exit Sub
refused:
    failures = failures + 1
    Debug.Print "xltools: MacroOptions " & fnName & ": " & Err.Number & " " & Err.Description
End Sub

Private Function Decoded(ByVal units As String) As String
    ' Five decimal digits per UTF-16 code unit (xltools/addin.py: code_units).
    Dim k As Long
    For k = 1 To Len(units) Step 5
        Decoded = Decoded & ChrW(CLng(Mid$(units, k, 5)))
    Next k
End Function
"""
FAILED_STATUS = " 个 SEI_ 函数的说明未能登记到函数向导（函数本身照常可用；详情见 VBA 编辑器的“立即窗口”）"


def descriptions_module() -> str:
    """The function wizard's Chinese descriptions: one Sub per function, each registered on its own."""
    import udfs.functions as f

    describe = DESCRIBE.format(calls="\n".join(f"    Describe_{name}" for name in f.EXCEL_FUNCTIONS),
                               status=code_units(FAILED_STATUS), category=code_units(CATEGORY))
    subs = [line for name in f.EXCEL_FUNCTIONS for line in _describe(name, getattr(f, name))]
    return "\r\n".join([*_header(DESCRIPTIONS_MODULE, "udfs/functions.py (the docstrings)"),
                         "Option Explicit", "Option Private Module", "", "Private failures As Long", "",
                         *describe.splitlines(), "", *subs])


WORKBOOK_OPEN = ["", "Private Sub Workbook_Open()", f"    {DESCRIPTIONS_MODULE}.RegisterFunctions", "End Sub", ""]


# ---------------------------------------------------------------- Excel's limits

@dataclass(frozen=True)
class Procedure:
    module: str
    name: str
    lines: int
    chars: int


_PROC_START = re.compile(r"^\s*(?:(?:Public|Private|Friend|Static)\s+)*(Sub|Function|Property\s+(?:Get|Let|Set))\s+(\w+)",
                         re.IGNORECASE)
_PROC_END = re.compile(r"^\s*End\s+(Sub|Function|Property)\b", re.IGNORECASE)


def procedures(module: str, source: str) -> list[Procedure]:
    """Every Sub, Function and Property of a module's source, with its size in lines and characters."""
    found, start, name = [], None, ""
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if start is None:
            m = _PROC_START.match(line)
            if m:
                start, name = i, m.group(2)
        elif _PROC_END.match(line):
            body = lines[start:i + 1]
            found.append(Procedure(module, name, len(body), sum(len(x) for x in body)))
            start = None
    return found


def check_budget(modules: dict[str, str]) -> list[Procedure]:
    """Every procedure of the generated modules, or InputError (exit 2) naming each one over Excel's limits:
    VBA refuses a procedure whose p-code passes 64 KB and then compiles none of its module."""
    from .errors import InputError, Issue

    found = [p for name, source in modules.items() for p in procedures(name, source)]
    issues = [Issue(f"过程 {p.name} 有 {p.lines} 行、{p.chars} 个字符，超过加载项的限制（每个过程少于 "
                    f"{MAX_PROCEDURE_LINES} 行、{MAX_PROCEDURE_CHARS} 个字符）：Excel 会拒绝编译整个模块，"
                    "请把它拆成几个较小的过程", file=f"VBA 模块 {p.module}")
              for p in found if p.lines >= MAX_PROCEDURE_LINES or p.chars >= MAX_PROCEDURE_CHARS]
    issues += [Issue(f"第 {k} 行有 {len(line)} 个字符，VBA 每行最多 {MAX_LINE_CHARS} 个字符", file=f"VBA 模块 {name}")
               for name, source in modules.items() for k, line in enumerate(source.splitlines(), 1)
               if len(line) > MAX_LINE_CHARS]
    if issues:
        raise InputError(issues)
    return found


# ---------------------------------------------------------------- the VBA project

def _module_text(streams: dict, records, name: bytes) -> str:
    m = next(m for m in ovba.modules(records) if m["name"] == name)
    raw = streams["VBA/" + m["stream"].decode("ascii")]
    return ovba.decompress(raw[m["offset"]:]).decode(ovba.codepage(records))


def generated_modules() -> dict[str, str]:
    """The modules the builder writes, each on its own so that one cannot stop another compiling."""
    return {RIBBON_MODULE: callbacks_module(), FUNCTIONS_MODULE: functions_module(),
            DESCRIPTIONS_MODULE: descriptions_module()}


def _module_group(records, name: bytes) -> list[tuple[int, bytes]]:
    m = next(m for m in ovba.modules(records) if m["name"] == name)
    return records[m["first"]:m["last"] + 1]


def _renamed(group, old: str, new: str, cp: str) -> list[tuple[int, bytes]]:
    """A module's dir records under a new name (names, stream names, their UTF-16 forms; cookie as written anew)."""
    out = []
    for rid, payload in group:
        if rid in (ovba.MODULENAME, ovba.MODULESTREAMNAME) and payload == old.encode(cp):
            payload = new.encode(cp)
        elif rid in (ovba.MODULENAMEUNICODE, ovba.MODULESTREAMNAMEUNICODE) and payload == old.encode("utf-16-le"):
            payload = new.encode("utf-16-le")
        elif rid == ovba.MODULECOOKIE:
            payload = b"\xff\xff"
        out.append((rid, payload))
    return out


def build_vba_project(template: bytes) -> bytes:
    streams = cfb.read(template)
    records = ovba.parse_dir(ovba.decompress(streams["VBA/dir"]))
    cp = ovba.codepage(records)
    generated = generated_modules()
    this = _module_text(streams, records, b"ThisWorkbook").rstrip("\r\n") + "\r\n" + "\r\n".join(WORKBOOK_OPEN)
    check_budget({**generated, "ThisWorkbook": this})
    new_sources: dict[str, str] = {**generated, "ThisWorkbook": this}
    # The xlwings module: its config (sheet, files) is named after the project.
    xlwings_src = _module_text(streams, records, b"xlwings")
    marker = 'Public Const PROJECT_NAME As String = "myaddin"'
    if marker not in xlwings_src:
        raise RuntimeError("the xlwings template has changed: PROJECT_NAME not found")
    new_sources["xlwings"] = xlwings_src.replace(marker, f'Public Const PROJECT_NAME As String = "{PROJECT}"')

    # The template's ribbon module becomes the callbacks module; the other generated modules are copies
    # of its records (a standard module) under their own names.
    template_group = _module_group(records, TEMPLATE_MODULE.encode(cp))
    at = records.index(template_group[0])
    groups = [_renamed(template_group, TEMPLATE_MODULE, name, cp) for name in generated]
    out_records = records[:at] + [r for g in groups for r in g] + records[at + len(template_group):]
    out_records = [(rid, PROJECT.encode(cp)) if rid == ovba.PROJECTNAME else
                   (rid, struct.pack("<H", len(ovba.modules(out_records)))) if rid == ovba.PROJECTMODULES else
                   (rid, payload) for rid, payload in out_records]
    for m in ovba.modules(out_records):
        if m["name"].decode(cp) in new_sources:
            out_records[m["offset_record"]] = (ovba.MODULEOFFSET, struct.pack("<I", 0))
    new_streams = {k: v for k, v in streams.items() if k != f"VBA/{TEMPLATE_MODULE}"}
    for name, text in new_sources.items():
        new_streams["VBA/" + name] = ovba.compress(text.encode(cp))
    new_streams["VBA/dir"] = ovba.compress(ovba.build_dir(out_records))
    new_streams["VBA/_VBA_PROJECT"] = bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00])  # recompile from source
    project = streams["PROJECT"].decode(cp)
    project = project.replace(f"Module={TEMPLATE_MODULE}", "\r\n".join(f"Module={name}" for name in generated))
    project = project.replace('Name="MyAddin"', f'Name="{PROJECT}"')
    workspace = next(line for line in project.split("\r\n") if line.startswith(f"{TEMPLATE_MODULE}="))
    project = project.replace(workspace, "\r\n".join(workspace.replace(TEMPLATE_MODULE, name, 1) for name in generated))
    new_streams["PROJECT"] = project.encode(cp)
    wm = b""
    for m in ovba.modules(out_records):
        wm += m["name"] + b"\0" + m["name"].decode(cp).encode("utf-16-le") + b"\0\0"
    new_streams["PROJECTwm"] = wm + b"\0\0"
    return cfb.write(new_streams)


# ---------------------------------------------------------------- the .xlam

def is_a_folder(out: str) -> str:
    return f"{out} 是文件夹，请给出 .xlam 文件名（例如 {os.path.join(out, ADDIN_NAME)}）"


def build(out: str, template: str | None = None) -> str:
    """Write the add-in to `out` (atomically) and return its path."""
    from .errors import InputError
    from .output import atomic_path

    if os.path.isdir(out):
        raise InputError(is_a_folder(out))

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
    """The user config file that the add-in's VBA and udfs.engine both read (udfs.engine.user_config_path)."""
    from udfs.engine import user_config_path

    return user_config_path()


def read_config(path: str | None = None, rewriting: bool = False) -> dict[str, str]:
    """The config file's pairs, decoded as VBA's `Input #` decodes them; InputError (exit 2) when the file is
    not in that code page. `rewriting` (install, which writes the file anew in the code page): a file that
    an earlier xltools wrote in UTF-8 (utf8_misread) is read as UTF-8, so that the rewrite repairs it."""
    from udfs.engine import NO_DATA, UdfError, config_line, config_pairs

    from .errors import InputError

    path = path or config_path()
    if not os.path.exists(path):
        return {}
    if rewriting:
        with open(path, "rb") as fh:
            legacy = utf8_misread(fh.read())
        if legacy is not None:
            return dict(pair for pair in map(config_line, legacy.splitlines()) if pair)
    try:
        return dict(config_pairs(path))
    except UdfError as exc:
        raise InputError(str(exc).removeprefix(NO_DATA)) from None


def utf8_misread(data: bytes, encoding: str | None = None) -> str | None:
    """The text of a config file saved in UTF-8 (as xltools wrote it before) where VBA's `Input #` decodes
    another code page: non-ASCII bytes that are valid UTF-8 and read differently in the code page, which
    may well decode them without error (C:\\Users\\张伟 in UTF-8 is valid, wrong, cp936 text). None otherwise."""
    import codecs

    from udfs.engine import config_encoding

    encoding = encoding or config_encoding()
    if data.isascii() or codecs.lookup(encoding).name == "utf-8":
        return None
    try:
        as_utf8 = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    try:
        return as_utf8 if data.decode(encoding) != as_utf8 else None
    except UnicodeDecodeError:
        return as_utf8


_INPUT_LINE = re.compile(r'"[^"]*","[^"]*"')


def misaligned_lines(text: str) -> list[tuple[int, str]]:
    """The lines (number, text) that VBA's `Input #f, key, value` does not read as one key and one value:
    udfs.engine also accepts `# comment` and `key = value` lines, but Input # reads fields, not lines, so
    such a line shifts every key and value after it (xlwings' GetConfigFromFile)."""
    return [(k, line) for k, line in enumerate(text.splitlines(), 1)
            if line.strip() and not _INPUT_LINE.fullmatch(line.strip())]


def config_bytes(values: dict[str, str]) -> bytes:
    """The config file in the form VBA's `Input #` reads: `"key","value"` lines, CRLF, in the code page it
    decodes with (udfs.engine.config_encoding). InputError naming every value that code page cannot hold."""
    from udfs.engine import config_encoding

    from .errors import InputError, Issue

    encoding = config_encoding()
    issues = []
    for key, value in values.items():
        try:
            f'"{key}","{value}"'.encode(encoding)
        except UnicodeEncodeError:
            bad = "".join(dict.fromkeys(ch for ch in f"{key}{value}" if not _encodable(ch, encoding)))
            fix = ("请把 Python 安装到路径中没有这些字符的文件夹（例如 C:\\Python311），再用那个 Python 运行 "
                   "xltools addin install（或用 --interpreter 指定它）" if key.startswith("INTERPRETER")
                   else "请改用不含这些字符的路径")
            issues.append(Issue(f"{key} 的值 {value} 含有本机代码页（{encoding}）不能表示的字符“{bad}”，"
                                f"Excel 的 VBA 读不出这个值：{fix}", file=config_path()))
    if issues:
        raise InputError(issues)
    return "".join(f'"{key}","{value}"\r\n' for key, value in values.items()).encode(encoding)


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def write_config(values: dict[str, str], path: str | None = None) -> str:
    """The config file in the form both the add-in's VBA (`Input #`) and udfs.engine read."""
    from .output import atomic_path

    data = config_bytes(values)
    path = path or config_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
    return path


def interpreter_key() -> str:
    return "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"


def install(folder: str | None = None, interpreter: str | None = None) -> tuple[str, str]:
    from .errors import InputError, OutputError

    folder = folder or startup_folder()
    if folder is None:
        raise InputError(NO_STARTUP_FOLDER)  # exit 2: on this OS the folder must be given
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise InputError(not_a_folder(folder))
    values = read_config(rewriting=True)
    values[interpreter_key()] = interpreter or sys.executable
    values["UDF MODULES"] = UDF_MODULE
    config_bytes(values)  # a value VBA could not read is refused before anything is written
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise OutputError(cannot_create(folder, exc)) from None
    target = build(os.path.join(folder, ADDIN_NAME))
    return target, write_config(values)


NO_STARTUP_FOLDER = "本机不是 Windows 或 macOS，没有 Excel 的启动文件夹；可用 --dir 指定安装到哪个文件夹"


def not_a_folder(folder: str) -> str:
    return f"{folder} 是一个文件，不是文件夹：--dir 请给出加载项要安装到的文件夹"


def cannot_create(folder: str, exc: OSError) -> str:
    """Why a folder cannot be made, in Chinese (the system's own text is English or in the code page)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        why = "路径中有一部分是文件而不是文件夹"
    elif isinstance(exc, FileNotFoundError):
        why = "它的上级文件夹不存在，或那里不允许新建文件夹"
    elif isinstance(exc, PermissionError):
        why = "没有在那里新建文件夹的权限"
    else:
        why = f"系统拒绝新建（错误号 {exc.errno}）"
    return f"无法创建文件夹 {folder}：{why}。请用 --dir 给出一个已有的、可以写入的文件夹"


def uninstall(folder: str | None = None) -> str | None:
    """Remove the installed add-in; OutputError (in Chinese) when it cannot be removed — on Windows, most
    often because Excel has it open."""
    from .errors import OutputError

    folder = folder or startup_folder()
    target = os.path.join(folder, ADDIN_NAME) if folder else None
    if target and os.path.lexists(target):
        try:
            os.remove(target)
        except OSError as exc:
            if os.path.isdir(target):
                raise OutputError(f"无法删除 {target}：它是一个文件夹，不是加载项文件；请确认 --dir 给出的文件夹，"
                                  "或在资源管理器中处理它") from None
            why = ("文件正被 Excel 使用，或没有删除它的权限" if isinstance(exc, PermissionError)
                   else f"系统拒绝删除（错误号 {exc.errno}）")
            raise OutputError(f"无法删除加载项 {target}：{why}。请先关闭 Excel 再卸载"
                              "（若仍不行，可在资源管理器中手动删除这个文件）") from None
        return target
    return None


@dataclass
class Check:
    ok: bool
    what: str
    fix: str = ""
    info: bool = False  # for the user's information: neither present nor missing (ok stays True)


def check(folder: str | None = None) -> list[Check]:
    """What a user's machine has and lacks for the add-in, in plain Chinese."""
    from .errors import InputError

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
    out += config_checks()
    try:
        conf = read_config()
    except InputError:
        conf = {}
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
        out.append(Check(False, f"Python 中无法导入 udfs.functions：{exc}",
                         "重新安装 xltools：在本仓库的文件夹（含 pyproject.toml）中运行 python -m pip install . pywin32"
                         "（xltools 没有发布到 PyPI；见 README“安装（Windows + Excel）”一节）"))
    out.append(source_check())
    return out


def source_check() -> Check:
    """The data source outside the workbooks (XLTOOLS_SOURCE, the config file's SOURCE). Not set is no fault:
    the recommended way is each workbook's 设置数据源 button, which this command cannot see."""
    from udfs.engine import UdfError, settings_from_environment, settings_from_file

    try:
        found = next((s for s in (settings_from_environment(), settings_from_file()) if s is not None and s.source),
                     None)
    except UdfError:  # the config file cannot be read: its own check says so
        found = None
    if found is None:
        return Check(True, "数据源：配置文件和环境变量中未设置。在每个工作簿中用“设置数据源”按钮选择数据文件即可"
                           f'（也可以在 {config_path()} 中加一行 "SOURCE","数据文件的完整路径"）', info=True)
    return Check(os.path.exists(found.source), f"数据源：{found.source}（{found.origin}）",
                 "数据文件不存在：检查路径，或改用工作簿中的“设置数据源”按钮")


def config_checks(path: str | None = None) -> list[Check]:
    """The config file as the add-in's VBA reads it: present, in the code page `Input #` decodes (a UTF-8 file
    from an earlier xltools is named, though it decodes without error), every line one `"key","value"`."""
    from udfs.engine import config_encoding

    from .errors import InputError

    path = path or config_path()
    reinstall = "重新运行 xltools addin install：它按本机代码页把每个设置重写为 \"键\",\"值\" 一行（设置保留，注释行不保留）"
    if not os.path.exists(path):
        return [Check(False, f"配置文件：{path}（不存在）", "运行 xltools addin install 写入配置")]
    with open(path, "rb") as fh:
        data = fh.read()
    encoding = config_encoding()
    legacy = utf8_misread(data, encoding)
    if legacy is not None:
        return [Check(False, f"配置文件：{path} 看来是按 UTF-8 保存的（以前版本的 xltools 这样写），加载项的 VBA 按本机"
                             f"代码页（{encoding}）读取，其中的中文会读成乱码", reinstall)]
    try:
        conf = read_config(path)
    except InputError as exc:
        return [Check(False, f"配置文件：{path}", exc.issues[0].message)]
    out = [Check(bool(conf), f"配置文件：{path}", "运行 xltools addin install 写入配置")]
    bad = misaligned_lines(data.decode(encoding))
    if bad:
        shown = "；".join(f"第 {k} 行 {line.strip()}" for k, line in bad[:3]) + ("……" if len(bad) > 3 else "")
        out.append(Check(False, f"配置文件中有 {len(bad)} 行不是 \"键\",\"值\" 的形式（{shown}）：加载项的 VBA 用 "
                                "Input # 按字段读取，这样的行会把其后的键和值错开", reinstall))
    return out
