"""The parse cache: a bureau export read once is not parsed again while it is unchanged.

Every command and every Excel function reads through `reader.read_bureau`, which asks `read` here
first. An entry is one file in the user's cache folder (platformdirs; XLTOOLS_CACHE_DIR overrides),
named by the export's absolute path and the reader options that change the result (sheet, period,
calendar days), holding the cleaned enterprise table as Arrow IPC and everything else the
read returned (notes, row-role decisions, the column map, the period, the sheet choice) as JSON in
the table's metadata, so that an output served from the cache is the output of a fresh parse.

An entry is served only when its fingerprint matches: the reader's version (the xltools version and
a hash of the package's own code and data tables, so a changed reader never serves an old parse;
the parser libraries' versions; the reading limits), the export's size and modification time, and
a SHA-256 of the export's whole content (66 ms for the 93 MB national export: a change anywhere is
caught, with size and time restored too). The entry file carries a SHA-256 of itself: a truncated
or damaged entry is ignored and rewritten. Input errors are never cached (only a read that
succeeded is stored); the file is stat'ed again after the parse and not stored if it changed
meanwhile. Writes go to a temporary file renamed into place, so parallel readers (summary --jobs)
see a whole entry or none. Any failure of the cache itself (a folder that cannot be written, a
full disk, a value it cannot store) means only that there is no cache: the read goes on.

Size: entries over XLTOOLS_CACHE_MB (default 2048 MB) in total are evicted, least recently used
first; the entry just written is always kept. XLTOOLS_NO_CACHE=1 (or --no-cache) turns it off.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import stat
import tempfile
import time

ENV_DIR = "XLTOOLS_CACHE_DIR"
ENV_OFF = "XLTOOLS_NO_CACHE"
ENV_CAP = "XLTOOLS_CACHE_MB"
DEFAULT_CAP_MB = 2048
FORMAT = 2                     # the layout of an entry file; bump when it changes
SUFFIX = ".arrow"
TRAILER = b"XLTC"              # entry = Arrow IPC bytes + TRAILER + sha256(IPC bytes)
META_KEY = b"xltools"
STALE_TEMP_SECONDS = 3600      # a temporary file left by a killed process
COUNTS = {"hit": 0, "miss": 0, "stored": 0}   # since the process started (tests, benchmarks)


# ---------------------------------------------------------------- where, whether

def folder() -> str:
    """The cache folder: XLTOOLS_CACHE_DIR, else the user's cache folder (platformdirs)."""
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return os.path.join(os.path.abspath(chosen), "reads")
    import platformdirs

    return os.path.join(platformdirs.user_cache_dir("xltools", appauthor=False), "reads")


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "").strip().lower() in ("", "0", "false", "no")


def cap_bytes() -> int:
    try:
        value = float(os.environ.get(ENV_CAP, ""))
    except ValueError:
        value = 0
    return int((value if value > 0 else DEFAULT_CAP_MB) * 1e6)


# ---------------------------------------------------------------- the read

def read(target, options: dict, parse):
    """`parse(target, **options)`, or its result stored from an earlier call on the same content.

    target: a path, or a Source opened on a file (an in-memory GridSource is never cached)."""
    from .sources import RowSource, Source, limit

    if not enabled() or isinstance(target, RowSource):
        return parse(target, **options)
    path = target.path if isinstance(target, Source) else os.fspath(target)
    try:
        before = os.stat(path)
        # A pipe, a device or a file over the size limit is never opened here: the parser refuses it at once.
        readable = stat.S_ISREG(before.st_mode) and before.st_size / 1e6 <= limit("XLTOOLS_MAX_FILE_MB")
        if readable:
            key = _key(path, options)
            fingerprint = _fingerprint(path, before)
            entry = os.path.join(folder(), hashlib.sha256(key.encode("utf-8")).hexdigest()[:40] + SUFFIX)
    except Exception:  # no such file (the parser says so precisely), options it cannot name, no cache folder
        readable = False
    if not readable:
        return parse(target, **options)
    data = _load(entry, key, fingerprint)
    if data is not None:
        COUNTS["hit"] += 1
        data.path, data.source = path, os.path.basename(path)
        return data
    COUNTS["miss"] += 1
    data = parse(target, **options)  # an input error propagates: nothing is stored
    try:
        after = os.stat(path)
        if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
            _store(entry, key, fingerprint, data)
    except Exception:  # no cache, never an error: a folder that cannot be written, a full disk…
        pass
    return data


def _key(path: str, options: dict) -> str:
    """What names the entry: the export (as named: its name can be where the period comes from) and
    every option that changes the result."""
    return json.dumps({"path": os.path.abspath(path), "options": _encode(dict(sorted(options.items())))},
                      ensure_ascii=False, sort_keys=True)


def _fingerprint(path: str, st: os.stat_result) -> dict:
    from .sources import LIMITS, limit

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return {"reader": reader_version(), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest.hexdigest(),
            "limits": {name: limit(name) for name in sorted(LIMITS)}}


@functools.lru_cache(maxsize=None)
def reader_version() -> str:
    """xltools' version, a hash of the package's code and data tables, and the parser libraries'
    versions: any change to how a file is read makes every older entry stale."""
    from importlib import metadata

    from . import __version__

    digest = hashlib.sha256(f"{FORMAT} {__version__}".encode())
    root = os.path.dirname(os.path.abspath(__file__))
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".csv")):
                full = os.path.join(base, name)
                digest.update(os.path.relpath(full, root).encode("utf-8"))
                with open(full, "rb") as fh:
                    digest.update(hashlib.sha256(fh.read()).digest())
    for dist in ("fastexcel", "pyarrow", "pandas", "numpy", "isal"):
        try:
            digest.update(f"{dist} {metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist} -".encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


# ---------------------------------------------------------------- entry files

def _load(entry: str, key: str, fingerprint: dict):
    """The BureauData of an entry whose key and fingerprint match; None for a missing, stale, damaged
    or unreadable entry (it is then rewritten by the read)."""
    import pyarrow as pa

    try:
        with open(entry, "rb") as fh:
            blob = fh.read()
        body, mark, digest = memoryview(blob)[:-36], blob[-36:-32], blob[-32:]  # the body without a copy
        if mark != TRAILER or hashlib.sha256(body).digest() != digest:
            return None
        table = pa.ipc.open_file(pa.py_buffer(body)).read_all()
        meta = json.loads(table.schema.metadata[META_KEY])
        if meta.get("format") != FORMAT or meta.get("key") != key or meta.get("fingerprint") != fingerprint:
            return None
        fields = _decode(meta["data"])
        from .frame import Table
        from .reader import BureauData

        data = BureauData(table=Table.from_arrow(table), **fields)
    except Exception:  # damaged in any way: a miss
        return None
    try:
        os.utime(entry)  # recently used: evicted last
    except OSError:
        pass
    return data


class _Hashing:
    """A file that hashes what is written to it: the entry's SHA-256 with no second pass and no copy."""

    def __init__(self, fh):
        self.fh, self.sha, self.written, self.closed = fh, hashlib.sha256(), 0, False

    def write(self, data) -> int:
        self.sha.update(data)
        self.written += self.fh.write(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        self.fh.flush()

    def close(self) -> None:  # the entry file is closed by its owner, after the trailer
        self.closed = True


def _store(entry: str, key: str, fingerprint: dict, data) -> None:
    import pyarrow as pa

    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data) if f.name != "table"}
    meta = {"format": FORMAT, "key": key, "fingerprint": fingerprint, "data": _encode(fields)}
    table = data.table.to_arrow()
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           META_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")})
    where = os.path.dirname(entry)
    os.makedirs(where, mode=0o700, exist_ok=True)  # the enterprise data: the user's eyes only
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=where)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            out = _Hashing(fh)
            # Uncompressed: writing and reading it cost a few hundredths of a second where zstd cost half a
            # second each way at national scale; the entry is some 2.5 times larger (the cap bounds the folder).
            with pa.ipc.new_file(pa.PythonFile(out, mode="w"), table.schema) as writer:
                writer.write_table(table)
            fh.write(TRAILER + out.sha.digest())
        os.replace(tmp, entry)  # whole or not at all, whoever else writes the same entry
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    COUNTS["stored"] += 1
    evict(keep=entry)


# ---------------------------------------------------------------- size

def entries() -> list[tuple[str, int, float]]:
    """(path, bytes, last used) of every entry, oldest first."""
    where = folder()
    found = []
    try:
        names = os.listdir(where)
    except OSError:
        return []
    for name in names:
        if name.endswith(SUFFIX) and not name.startswith("."):
            try:
                st = os.stat(os.path.join(where, name))
            except OSError:
                continue
            found.append((os.path.join(where, name), st.st_size, st.st_mtime))
    return sorted(found, key=lambda e: e[2])


def evict(keep: str | None = None) -> None:
    """Least recently used entries out until the total is within the cap; stale temporary files out."""
    where = folder()
    now = time.time()
    try:
        for name in os.listdir(where):
            full = os.path.join(where, name)
            if name.startswith(".tmp-") and now - os.stat(full).st_mtime > STALE_TEMP_SECONDS:
                os.remove(full)
    except OSError:
        pass
    found = entries()
    total = sum(size for _, size, _ in found)
    for path, size, _ in found:
        if total <= cap_bytes():
            break
        if path == keep:
            continue
        try:
            os.remove(path)
            total -= size
        except OSError:
            pass


def clear() -> tuple[int, int]:
    """Remove every entry (and temporary file); returns (entries, bytes) removed."""
    count = size = 0
    where = folder()
    try:
        names = os.listdir(where)
    except OSError:
        return 0, 0
    for name in names:
        full = os.path.join(where, name)
        if name.endswith(SUFFIX):
            try:
                bytes_ = os.path.getsize(full)
                os.remove(full)
            except OSError:
                continue
            if not name.startswith("."):
                count, size = count + 1, size + bytes_
    return count, size


# ---------------------------------------------------------------- values as JSON

def _types() -> dict:
    """The classes an entry may hold, by name: nothing else is ever built from an entry."""
    from .columns import ColumnInfo, ColumnSpec
    from .periods import Period
    from .rows import Decision

    return {cls.__name__: cls for cls in (ColumnInfo, ColumnSpec, Period, Decision)}


def _encode(value):
    """A value as JSON that decodes to an equal value of the same type; TypeError for anything else
    (the read is then not cached, never cached wrongly)."""
    import numpy as np

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return value if isinstance(value, int) else {"float": repr(value)}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"numpy": value.dtype.str, "value": _encode(value.item())}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and _types().get(type(value).__name__) is type(value):
        return {"class": type(value).__name__,
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise TypeError(f"not cached: {type(value).__name__}")


def _decode(value):
    import numpy as np

    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "float" in value:
        return float(value["float"])
    if "numpy" in value:
        return np.dtype(value["numpy"]).type(_decode(value["value"]))
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    if "dict" in value:
        return {_decode(k): _decode(v) for k, v in value["dict"]}
    if "class" in value:
        return _types()[value["class"]](**{k: _decode(v) for k, v in value["fields"].items()})
    raise ValueError(f"not an encoded value: {sorted(value)}")
