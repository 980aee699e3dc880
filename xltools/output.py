"""Writing outputs safely: a temporary file in the target folder, renamed over the target at
the end, so an interrupted run leaves either the old file or the complete new one; an output
that would overwrite an input is refused before anything is read."""
from __future__ import annotations

import contextlib
import os
import tempfile

from .errors import InputError, Issue, OutputError


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_overwriting_inputs(outputs: list[str], inputs: list[str]) -> None:
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
    """Yield a temporary path beside `final`; on success it replaces `final`, on failure it is removed."""
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
