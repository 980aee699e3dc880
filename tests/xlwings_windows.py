"""What xlwings on Windows would write for udfs.functions: run as a script, prints that VBA.

On Linux xlwings' decorators are no-ops (no `__xlfunc__`). Its Windows module xlwings.udfs only needs
pywin32 at call time, so with `pythoncom`, `pywintypes` and `win32com.client` stubbed it imports; its
`xlfunc`/`xlarg`/`xlret` then take the place of `xw.func`/`xw.arg`/`xw.ret` before udfs.functions is
imported, and `generate_vba_wrapper` — the code behind xlwings' "Import Functions" — writes the wrappers
for an add-in (a workbook whose name ends in .xlam). A separate process: the stubs stay out of the tests.
Usage: python xlwings_windows.py MODULE
"""
import io
import sys
import types


def main(module_name: str) -> None:
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["win32com.client"].Dispatch = None
    import importlib

    import xlwings
    import xlwings.udfs

    xlwings.func, xlwings.arg, xlwings.ret = xlwings.udfs.xlfunc, xlwings.udfs.xlarg, xlwings.udfs.xlret
    module = importlib.import_module(module_name)
    out = io.StringIO()
    xlwings.udfs.generate_vba_wrapper(module_name, module, out, types.SimpleNamespace(Name="xltools.xlam"))
    sys.stdout.buffer.write(out.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main(sys.argv[1])
