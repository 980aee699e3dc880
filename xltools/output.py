"""Writing outputs safely: a temporary file in the target folder, renamed over the target at
the end, so an interrupted run leaves either the old file or the complete new one; an output
that would overwrite an input is refused before anything is read."""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from .errors import InputError, Issue, OutputError


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_special_targets(outputs: list[str]) -> None:
    """An output that exists must be a regular file: a pipe, device, socket or folder is never
    replaced by a file (renaming over /dev/… or a FIFO would replace it)."""
    for out in outputs:
        try:
            mode = os.stat(out).st_mode
        except OSError:  # does not exist (or cannot be seen): written as a new file
            continue
        if stat.S_ISDIR(mode):
            raise InputError(Issue(f"输出位置 {out} 是一个文件夹，不是文件；请用 -o 指定一个文件名"))
        if not stat.S_ISREG(mode):
            raise InputError(Issue(f"输出位置 {out} 已存在且不是普通文件（管道、设备或套接字），不能写入；"
                                   "请用 -o 指定一个普通文件名"))


def refuse_overwriting_inputs(outputs: list[str], inputs: list[str]) -> None:
    refuse_special_targets(outputs)
    for out in outputs:
        for inp in inputs:
            if inp and same_file(out, inp):
                raise InputError(Issue(f"输出文件 {out} 就是输入文件，不能覆盖输入；请用 -o 指定另一个文件名"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(final: str):
    """Yield a temporary path beside `final`; on success it replaces `final`, on failure it is removed.
    An existing `final` that is not a regular file is refused before anything is written."""
    refuse_special_targets([final])
    folder = os.path.dirname(os.path.abspath(final))
    if not os.path.isdir(folder):
        raise OutputError(f"无法写入 {final}：文件夹 {folder} 不存在")
    suffix = os.path.splitext(final)[1]
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~xltools-", suffix=suffix, dir=folder)
    except OSError as exc:
        raise OutputError(f"无法在文件夹 {folder} 中写入文件：{exc.strerror}") from None
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        try:
            os.replace(tmp, final)
        except OSError as exc:
            raise OutputError(f"无法写入 {final}：{exc.strerror}（文件是否正在被 Excel 或 WPS 打开？关闭后重试）") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def output_folder(path: str) -> str:
    """The folder for several outputs (summary --split), made if missing."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise InputError(Issue(f"{path} 已存在且不是文件夹：--split 时 -o 应为文件夹"))
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建文件夹 {path}：{exc.strerror}") from None
    return path
