"""Where the Excel functions' numbers come from, parsed once per source.

A source is the configured bureau file — the calling workbook's `SEI_SOURCE` name
or config sheet, else the environment variable XLTOOLS_SOURCE, else the user
config file (user_config_path: the file the add-in's VBA reads too) — or a range handed to a function. Each
source is read and computed once: the cache is keyed by the file's path, size
and modification time (or by a hash of the range's values), so a sheet of 200
formulas recalculates from one parse, and a file changed on disk is read anew,
never mixed with the old one. Thread-safe: concurrent first calls on one source
wait for a single parse. That memory lasts as long as Excel's Python; the parse
itself goes through xltools.load, which keeps it in the parse cache on disk
(xltools/readcache.py, checked against the file's whole content), so Excel opened
again on an unchanged national export does not parse it again.

Nothing here needs Excel: the xlwings layer (functions.py, macros.py) passes in
plain values, and the workbook config is read through a Book-like object.
"""
from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

NO_DATA = "#无数据："
BAD_ARG = "#参数错误："
CONFIG_SHEETS = ("xltools配置", "xltools.conf")
SOURCE_NAME = "SEI_SOURCE"
# Config keys as a user may write them (a config sheet, the config file) -> setting.
KEYS = {"source": "source", "数据文件": "source", "数据源": "source", "sei_source": "source",
        "period": "period", "报告期": "period",
        "sheet": "sheet", "工作表": "sheet",
        "sei_list": "sei_list", "战新名录": "sei_list", "企业名录": "sei_list",
        "ledger": "ledger", "项目台账": "ledger", "台账": "ledger"}
ENV = {"source": "XLTOOLS_SOURCE", "period": "XLTOOLS_PERIOD", "sheet": "XLTOOLS_SHEET",
       "sei_list": "XLTOOLS_SEI_LIST", "ledger": "XLTOOLS_LEDGER"}


class UdfError(Exception):
    """A message for the cell: `#无数据：…` or `#参数错误：…`."""


@dataclass(frozen=True)
class Settings:
    source: str | None = None
    period: str | None = None
    sheet: str | None = None
    sei_list: str | None = None
    ledger: str | None = None    # the project ledger (项目台账) for the tracker
    origin: str = ""   # where the settings came from, for SEI_SOURCE and error messages


# ---------------------------------------------------------------- settings

def user_config_path(platform: str | None = None) -> str:
    """The user config file, where the add-in's VBA looks for it (xlwings' GetConfigFilePath with
    PROJECT_NAME "xltools"): %USERPROFILE%\\.xltools\\xltools.conf on Windows; on macOS the home of
    Excel's sandbox, ~/Library/Containers/com.microsoft.Excel/Data/xltools.conf."""
    home = os.path.expanduser("~")
    if (platform or sys.platform) == "darwin":
        return os.path.join(home, "Library", "Containers", "com.microsoft.Excel", "Data", "xltools.conf")
    return os.path.join(home, ".xltools", "xltools.conf")


def config_encoding(platform: str | None = None) -> str:
    """The code page VBA's `Input #` decodes the config file with: the Windows ANSI code page ("mbcs",
    936 on a Chinese Windows; not UTF-8, even when Python runs in UTF-8 mode); UTF-8 on macOS."""
    return "mbcs" if (platform or sys.platform).startswith("win") else "utf-8"


def not_in_code_page(path: str, encoding: str) -> str:
    return (f"配置文件 {path} 不是按本机代码页（{encoding}）保存的，加载项的 VBA 读不对其中的中文："
            "用记事本打开，“另存为”时编码选 ANSI，或重新运行 xltools addin install")


def config_pairs(path: str) -> list[tuple[str, str]]:
    """The (key, value) lines of a config file, decoded as VBA's `Input #` decodes them (config_encoding);
    UdfError when the file is not in that code page."""
    encoding = config_encoding()
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise UdfError(NO_DATA + not_in_code_page(path, encoding)) from None
    return [pair for pair in map(config_line, text.splitlines()) if pair]


def parse_config(pairs, base_dir: str | None = None, origin: str = "") -> Settings:
    """Settings from (key, value) pairs; relative paths are relative to base_dir."""
    found: dict[str, str] = {}
    for key, value in pairs:
        if key is None or value is None:
            continue
        k = KEYS.get(str(key).strip().strip("：:").lower()) or KEYS.get(str(key).strip().strip("：:"))
        v = str(value).strip()
        if k and v:
            if isinstance(value, float) and value.is_integer():
                v = str(int(value))
            found[k] = v
    for k in ("source", "sei_list", "ledger"):
        if k in found and base_dir and not os.path.isabs(found[k]):
            found[k] = os.path.normpath(os.path.join(base_dir, found[k]))
    return Settings(origin=origin, **found)


_file_cache: dict[str, tuple[tuple, Settings]] = {}


def config_line(line: str) -> tuple[str, str] | None:
    """One line of the user config file: `"SOURCE","D:\\统计\\x.xlsx"` (the form the add-in's VBA
    reads too, so the two can share the file) or `source = D:\\统计\\x.xlsx`; `#` starts a comment."""
    import csv

    text = line.strip()
    if not text or text.startswith("#"):
        return None
    if text.startswith('"'):
        fields = next(csv.reader([text]))
        return (fields[0].strip(), fields[1].strip()) if len(fields) >= 2 else None
    text = text.split("#", 1)[0]
    if "=" in text:
        key, value = text.split("=", 1)
        return key.strip(), value.strip()
    return None


def settings_from_file(path: str | None = None) -> Settings | None:
    """The user config file (user_config_path), cached by its size and mtime."""
    path = path or user_config_path()
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = (st.st_size, st.st_mtime_ns)
    cached = _file_cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    settings = parse_config(config_pairs(path), os.path.dirname(path), origin=f"配置文件 {path}")
    _file_cache[path] = (stamp, settings)
    return settings


def settings_from_environment() -> Settings | None:
    values = {k: os.environ.get(v) or None for k, v in ENV.items()}
    if not values["source"] and not values["ledger"]:
        return None
    return Settings(origin="环境变量 XLTOOLS_SOURCE", **values)


def settings_from_book(book) -> Settings | None:
    """The calling workbook's config: a name SEI_SOURCE (a cell holding the path, or the path itself),
    or a sheet 'xltools配置' with keys in column A and values in column B. `book` is an xlwings Book
    (or anything with .fullname, .names and .sheets that behaves like one)."""
    base = os.path.dirname(book.fullname) if getattr(book, "fullname", None) else None
    names = [s.name for s in book.sheets]
    for sheet_name in CONFIG_SHEETS:
        if sheet_name in names:
            rows = book.sheets[sheet_name].range("A1:B30").value or []
            settings = parse_config([tuple(r[:2]) for r in rows if isinstance(r, (list, tuple))], base,
                                    origin=f"工作簿 {book.name} 的“{sheet_name}”表")
            if settings.source or settings.ledger:
                return settings
    try:
        name = book.names[SOURCE_NAME]
    except Exception:  # no such name
        return None
    value = None
    try:
        value = name.refers_to_range.value
    except Exception:
        refers = str(getattr(name, "refers_to", "") or "")
        value = refers.lstrip("=").strip('"') or None
    if not value:
        return None
    return parse_config([("source", value)], base, origin=f"工作簿 {book.name} 的名称 SEI_SOURCE")


def caller_book(caller):
    """The workbook of the calling cell when running in Excel; None elsewhere."""
    if caller is None:
        return None
    try:
        return caller.sheet.book
    except Exception:
        return None


_book_settings: dict[str, Settings | None] = {}


def settings(caller=None, book=None) -> Settings:
    """The configured source, in order: calling workbook, environment, user config file."""
    book = book if book is not None else caller_book(caller)
    if book is not None:
        key = getattr(book, "fullname", None) or getattr(book, "name", "")
        if key not in _book_settings:
            _book_settings[key] = settings_from_book(book)
        if _book_settings[key] is not None and _book_settings[key].source:
            return _book_settings[key]
    for getter in (settings_from_environment, settings_from_file):  # the file is not looked at when not needed
        found = getter()
        if found is not None and found.source:
            return found
    raise UdfError(NO_DATA + "未设置数据源：在工作簿中定义名称 SEI_SOURCE 或“xltools配置”表，"
                   f"或设置环境变量 XLTOOLS_SOURCE，或在 {user_config_path()} 中写一行 \"SOURCE\",\"文件路径\"")


def ledger_path(book=None) -> str:
    """The project ledger of a workbook's config, else XLTOOLS_LEDGER, else the user config file."""
    for s in (settings_from_book(book) if book is not None else None, settings_from_environment(),
              settings_from_file()):
        if s is not None and s.ledger:
            return s.ledger
    raise UdfError(NO_DATA + "未设置项目台账：在“xltools配置”表 A 列写“项目台账”、B 列写台账文件的路径，"
                   "或设置环境变量 XLTOOLS_LEDGER")


# ---------------------------------------------------------------- the cache

@dataclass
class Entry:
    """One source, read and computed: everything the functions look up."""

    results: object
    info: object                 # tables.SourceInfo
    settings: Settings
    scopes: dict = field(default_factory=dict)       # what a user typed -> scope id
    tables: dict = field(default_factory=dict)       # (name, suppress) -> 2-D list


class _Failure:
    def __init__(self, error: UdfError):
        self.error = error


class Cache:
    def __init__(self, size: int = 8):
        self._lock = threading.Lock()
        self._entries: OrderedDict = OrderedDict()
        self._loading: dict = {}
        self.size = size
        self.builds = 0   # sources parsed since the last clear() (tests and benchmarks count them)

    def get(self, key, build):
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                value = self._entries[key]
                owner = None
            else:
                event = self._loading.get(key)
                owner = event is None
                if owner:
                    event = self._loading[key] = threading.Event()
        if owner is None:
            return _unwrap(value)
        if not owner:
            event.wait()
            with self._lock:
                value = self._entries.get(key)
            return _unwrap(value) if value is not None else self.get(key, build)
        try:
            value = build()
        except UdfError as exc:
            value = _Failure(exc)
        except BaseException:
            with self._lock:
                self._loading.pop(key, None)
            event.set()
            raise
        with self._lock:
            self.builds += 1
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            self._loading.pop(key, None)
        event.set()
        return _unwrap(value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.builds = 0
        _book_settings.clear()
        _file_cache.clear()


def _unwrap(value):
    if isinstance(value, _Failure):
        raise value.error
    return value


CACHE = Cache()


def _file_key(s: Settings) -> tuple:
    try:
        st = os.stat(s.source)
    except OSError:
        raise UdfError(NO_DATA + f"找不到数据文件 {s.source}（{s.origin}）") from None
    extra = ()
    if s.sei_list:
        try:
            lt = os.stat(s.sei_list)
            extra = (s.sei_list, lt.st_size, lt.st_mtime_ns)
        except OSError:
            raise UdfError(NO_DATA + f"找不到战新企业名录 {s.sei_list}（{s.origin}）") from None
    return ("file", s.source, st.st_size, st.st_mtime_ns, s.period, s.sheet, extra)


def _grid(data) -> list[list]:
    """What Excel passes for a range, as rows: a 2-D list, a 1-D list (one row) or a scalar."""
    if not isinstance(data, (list, tuple)):
        return [[data]]
    if data and not isinstance(data[0], (list, tuple)):
        return [list(data)]
    return [list(r) for r in data]


def _build(loader) -> Entry:
    import xltools
    from xltools.errors import InputError
    from xltools.tables import SourceInfo

    try:
        data, s = loader()
        results = xltools.compute(data, by_county=True)
    except InputError as exc:
        first = str(exc.issues[0]) if exc.issues else str(exc)
        more = f"（共 {len(exc.issues)} 处，可用“校验数据”或 xltools validate 查看）" if len(exc.issues) > 1 else ""
        raise UdfError(NO_DATA + first + more) from None
    return Entry(results, SourceInfo.of(data), s)


def entry(data=None, caller=None, book=None) -> Entry:
    """The computed source for a call: the range `data` if given, else the configured file
    (of the workbook `book`, or of the calling cell's workbook)."""
    if data is not None:
        rows = _grid(data)
        if not any(v not in (None, "") for r in rows for v in r):
            raise UdfError(NO_DATA + "所选区域是空的")
        digest = hashlib.blake2b(repr(rows).encode("utf-8"), digest_size=16).hexdigest()
        try:
            base = settings(caller, book)
        except UdfError:
            base = Settings()
        period = base.period

        def load_range():
            import xltools
            from xltools.sources import GridSource

            return xltools.load(GridSource(rows), period=period), Settings(period=period, origin="所选区域")

        return CACHE.get(("range", digest, period), lambda: _build(load_range))
    s = settings(caller, book)
    key = _file_key(s)

    def load_file():
        import xltools

        return xltools.load(s.source, period=s.period, sheet=s.sheet, sei_list=s.sei_list), s

    return CACHE.get(key, lambda: _build(load_file))


# ---------------------------------------------------------------- scopes

ALL_WORDS = {"全部", "全市", "all", "全市规模以上工业", "规上工业", "规模以上工业", "全市规上工业"}
SEI_WORDS = {"sei", "战新", "战新产业", "战略性新兴产业", "全市战略性新兴产业"}
SEI_SUFFIXES = ("战略性新兴产业", "战新产业", "战新", "/sei")


def scope_id(e: Entry, text) -> str:
    """What a user writes for a scope -> the scope id; UdfError when it names nothing."""
    key = text
    if key in e.scopes:
        return e.scopes[key]
    found = _scope_id(e, text)
    e.scopes[key] = found
    return found


def _scope_id(e: Entry, text) -> str:
    from xltools.sei import UnknownCategory, normalise_category

    if text is None or (isinstance(text, str) and not text.strip()):
        return "sei"
    if isinstance(text, float) and text.is_integer():
        text = str(int(text))
    t = str(text).strip()
    known = {s.scope for s in e.results.scopes}
    if t in known:
        return t
    if t.lower() in ALL_WORDS or t in ALL_WORDS:
        return "all"
    if t.lower() in SEI_WORDS or t in SEI_WORDS:
        return "sei"
    try:
        cat = normalise_category(t)
        if cat:
            return f"sector:{cat}"
    except UnknownCategory:
        pass
    counties = {s.scope.split(":", 1)[1] for s in e.results.scopes
                if s.scope.startswith("county:") and not s.scope.endswith("/sei")}
    if t in counties:
        return f"county:{t}"
    for suffix in SEI_SUFFIXES:
        base = t[: -len(suffix)].strip(" /")
        if t.endswith(suffix) and base in counties:
            return f"county:{base}/sei"
    hint = "、".join(sorted(counties)) if counties else "数据中没有县区列"
    raise UdfError(BAD_ARG + f"未知范围“{t}”：可用 全市、战新、九大领域名称或简称（如 新材料）、县区名（{hint}）")


def indicator_id(text) -> str:
    """An indicator by id (profit_margin), Chinese name (营业收入利润率, or 增加值 for 工业增加值)
    or Excel function name (SEI_PROFIT_MARGIN)."""
    from xltools.indicators import indicator, indicators

    if text is None or not str(text).strip():
        raise UdfError(BAD_ARG + "请给出指标名称或代码，如 营业收入利润率 或 profit_margin")
    t = str(text).strip()
    for candidate in (t, "工业" + t):
        try:
            return indicator(candidate).id
        except KeyError:
            pass
    found = next((i.id for i in indicators() if i.excel == t.upper()), None)
    if found:
        return found
    raise UdfError(BAD_ARG + f"未知指标“{t}”")


def require(e: Entry, iid: str) -> None:
    if iid not in {i.id for i in e.results.computed}:
        from xltools.indicators import indicator

        why = next((w for w in e.results.warnings if indicator(iid).name in w), "数据中缺少所需的列")
        raise UdfError(NO_DATA + why)
