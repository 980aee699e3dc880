"""Run by a Python that has LibreOffice's `uno` (Debian: /usr/bin/python3 with python3-uno).

Loads a workbook with the filter "Calc MS Excel 2007 VBA XML" in a headless soffice and
prints, as JSON, every Basic module LibreOffice imported from its VBA project and the
Subs and Functions in each: an independent reader of what `xltools addin build` wrote.
Usage: python3 lo_basic.py FILE PROFILE_DIR
"""
import json
import os
import re
import sys

import uno
from lo_uno import desktop, prop


def main():
    path, profile = os.path.abspath(sys.argv[1]), sys.argv[2]
    with desktop(profile) as office:
        doc = office.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
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


if __name__ == "__main__":
    main()
