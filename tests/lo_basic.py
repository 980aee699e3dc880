"""Run by a Python that has LibreOffice's `uno` (Debian: /usr/bin/python3 with python3-uno).

Loads a workbook with the filter "Calc MS Excel 2007 VBA XML" in a headless soffice and
prints, as JSON, every Basic module LibreOffice imported from its VBA project and the
Subs and Functions in each: an independent reader of what `xltools addin build` wrote.
Usage: python3 lo_basic.py FILE PROFILE_DIR
"""
import json
import os
import re
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    path, profile = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pipe = f"xltools{os.getpid()}"
    proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                             "--nologo", f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("soffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                           (prop("FilterName", "Calc MS Excel 2007 VBA XML"), prop("Hidden", True)))
        libs = doc.BasicLibraries
        out = {}
        for lib_name in libs.getElementNames():
            libs.loadLibrary(lib_name)
            lib = libs.getByName(lib_name)
            for module in lib.getElementNames():
                source = lib.getByName(module)
                out[module] = {"library": lib_name,
                               "procedures": re.findall(r"(?im)^\s*(?:Public\s+|Private\s+)?(?:Sub|Function)\s+(\w+)\s*\(([^)]*)\)",
                                                        source)}
        doc.close(True)
        print(json.dumps(out, ensure_ascii=False))
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
