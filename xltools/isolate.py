"""calamine in a child process, for the files that can take the reading process down with them.

Some corrupt .xls files make calamine panic (a Rust panic: pyo3's PanicException, which is not
an Exception) or allocate tens of gigabytes and abort the whole process. An .xls file is small by
nature (at most 65 536 rows), so it is parsed in a child: `python -m xltools.isolate REQUEST`,
with an address-space limit on POSIX (max(4 GB, 40 × the file's size); `resource` does not exist
on Windows, where the child runs without one). The child writes its answer beside the request:
a JSON file, and the loaded columns as an Arrow IPC file. A child that dies — a signal, an abort,
MemoryError, a panic, a timeout — is an InputError for that file only; its English detail is shown
only with XLTOOLS_DEBUG=1.

Two children per file: one opens the workbook and peeks at every sheet's first rows (calamine
parses all the sheets of an .xls when it opens it), one loads the columns the reader asks for.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from .errors import InputError, Issue

MEMORY_FLOOR = 4 << 30  # bytes of address space: the interpreter, pyarrow and calamine's work
MEMORY_PER_BYTE = 40  # × the file's size
TIMEOUT = 600  # seconds: a 65 536-row .xls parses in a few
CRASHED = "文件已损坏或格式不受支持（读取时解析器异常终止）"


class _Crashed(Exception):
    pass


def _debug(detail: str) -> str:
    return f"（{detail.strip()[-500:]}）" if os.environ.get("XLTOOLS_DEBUG") and detail.strip() else ""


def _command(folder: str) -> list[str]:
    return [sys.executable, "-m", "xltools.isolate", folder]


def _run(request: dict) -> tuple[dict, str]:
    """Run one request in a child; (its JSON answer, the folder of its files). Raises _Crashed."""
    import xltools

    folder = tempfile.mkdtemp(prefix="xltools-isolate-")
    with open(os.path.join(folder, "request.json"), "w", encoding="utf-8") as fh:
        json.dump(request, fh, ensure_ascii=False)
    root = os.path.dirname(os.path.dirname(os.path.abspath(xltools.__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window flashing under Excel
    try:
        proc = subprocess.run(_command(folder), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=TIMEOUT,
                              creationflags=flags)
    except subprocess.TimeoutExpired:
        _cleanup(folder)
        raise _Crashed(f"no answer in {TIMEOUT} s") from None
    answer_path = os.path.join(folder, "answer.json")
    if proc.returncode != 0 or not os.path.exists(answer_path):
        stderr = proc.stderr.decode("utf-8", "replace")
        _cleanup(folder)
        raise _Crashed(f"exit status {proc.returncode}: {stderr}")
    with open(answer_path, encoding="utf-8") as fh:
        return json.load(fh), folder


def _cleanup(folder: str) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


class IsolatedWorkbook:
    """Sheet names, peeked rows and loaded columns of one workbook, each read in a child."""

    def __init__(self, path: str, name: str, peek_rows: int, by_content: bool = False):
        self.path, self.name, self._by_content = path, name, by_content
        self._peeked = peek_rows
        answer = self._ask({"op": "open", "path": os.path.abspath(path), "peek_rows": peek_rows,
                            "by_content": by_content},
                           "无法打开工作簿，文件可能已损坏")
        self.names: list[str] = answer["names"]
        self._peeks: dict = answer["peeks"]
        self.visible: dict = answer.get("visible", {})
        self._peek_errors: dict = answer["peek_errors"]

    def _fail(self, message: str, sheet: str | None = None) -> InputError:
        return InputError(Issue(message, file=self.name, sheet=sheet))

    def _ask(self, request: dict, message: str, sheet: str | None = None, keep: bool = False):
        try:
            answer, folder = _run(request)
        except _Crashed as exc:
            raise self._fail(CRASHED + _debug(str(exc)), sheet) from None
        try:
            if answer.get("crashed"):
                raise self._fail(CRASHED + _debug(answer.get("detail", "")), sheet)
            if not answer.get("ok"):
                raise self._fail(message + _debug(answer.get("detail", "")), sheet)
        finally:
            if not keep:
                _cleanup(folder)
        return (answer, folder) if keep else answer

    def peek(self, sheet: str, n: int) -> list[list[str | None]]:
        if n > self._peeked:
            answer = self._ask({"op": "open", "path": os.path.abspath(self.path), "peek_rows": n,
                                "by_content": self._by_content},
                               "无法打开工作簿，文件可能已损坏")
            self._peeks, self._peek_errors, self._peeked = answer["peeks"], answer["peek_errors"], n
            self.visible = answer.get("visible", {})
        if sheet in self._peek_errors:
            raise self._fail("无法读取工作表" + _debug(self._peek_errors[sheet]), sheet)
        if sheet not in self._peeks:
            raise self._fail("无法读取工作表", sheet)
        return [list(row) for row in self._peeks[sheet][:n]]

    def load(self, sheet: str, skip_rows: int, cols: list[int], text_cols: list[int]):
        """(pyarrow.Table, absolute column index of each of its columns, stored cells): calamine_load."""
        import pyarrow as pa

        answer, folder = self._ask({"op": "load", "path": os.path.abspath(self.path), "sheet": sheet,
                                    "by_content": self._by_content,
                                    "skip_rows": skip_rows, "cols": cols, "text_cols": text_cols},
                                   "无法读取工作表数据", sheet, keep=True)
        try:
            with pa.memory_map(os.path.join(folder, "table.arrow")) as source:
                reader = pa.ipc.open_file(source)
                # One record batch, as calamine gives in this process: columns are pyarrow Arrays.
                table = reader.get_batch(0) if reader.num_record_batches == 1 else \
                    pa.Table.from_batches([reader.get_batch(i) for i in range(reader.num_record_batches)],
                                          reader.schema).combine_chunks().to_batches()[0]
        finally:
            _cleanup(folder)
        return table, answer["selected"], [tuple(cell) for cell in answer["stored"]]


# ---------------------------------------------------------------- the child

def _limit_memory(path: str) -> None:
    try:
        import resource
    except ImportError:  # Windows
        return
    cap = max(MEMORY_FLOOR, MEMORY_PER_BYTE * os.path.getsize(path))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _child(folder: str) -> None:
    with open(os.path.join(folder, "request.json"), encoding="utf-8") as fh:
        request = json.load(fh)
    _limit_memory(request["path"])
    from .sources import calamine_load, calamine_open, calamine_peek, is_panic

    def answer(payload: dict) -> None:
        with open(os.path.join(folder, "answer.json"), "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False)

    def failed(exc: BaseException) -> dict:
        if is_panic(exc) or isinstance(exc, MemoryError):
            return {"ok": False, "crashed": True, "detail": f"{type(exc).__name__}: {exc}"}
        if isinstance(exc, Exception):
            return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}
        raise exc

    try:
        reader = calamine_open(request["path"], request.get("by_content", False))
        names = list(reader.sheet_names)
    except BaseException as exc:
        answer(failed(exc))
        return
    if request["op"] == "open":
        peeks, errors, visible = {}, {}, {}
        for name in names:
            try:
                peeks[name], visible[name] = calamine_peek(reader, name, request["peek_rows"])
            except BaseException as exc:
                outcome = failed(exc)
                if outcome.get("crashed"):
                    answer(outcome)
                    return
                errors[name] = outcome["detail"]
        answer({"ok": True, "names": names, "peeks": peeks, "peek_errors": errors, "visible": visible})
    elif request["op"] == "load":
        import pyarrow as pa

        try:
            table, selected, stored = calamine_load(reader, request["sheet"], request["skip_rows"],
                                                    request["cols"], request["text_cols"])
        except BaseException as exc:
            answer(failed(exc))
            return
        # Unique names: the file format needs none, but keep pyarrow's readers happy.
        table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
        with pa.OSFile(os.path.join(folder, "table.arrow"), "wb") as sink, \
                pa.ipc.new_file(sink, table.schema) as writer:
            writer.write(table)
        answer({"ok": True, "selected": selected, "stored": stored})
    else:
        raise SystemExit(f"unknown request {request['op']!r}")


if __name__ == "__main__":
    _child(sys.argv[1])
