"""Run by a Python that has LibreOffice's `uno`: compile VBA modules with LibreOffice Basic in
VBA-support mode and report, as JSON, which compiled.

Each module goes into a library of its own in a new hidden document, with `Option VBASupport 1`
after its Attribute lines and a probe function appended. LibreOffice compiles a module as a whole
when one of its procedures is first called and, headless, reports a syntax error to nobody: the
call then returns nothing (or the probe is not found). So the probe returns 42 only if the module compiled. For a module that
did not, each procedure is compiled alone (with the module's declarations) to name the failing ones.
Optional calls run functions of a compiled module (`extra` code may be appended to reach private ones).

Input (JSON file): {"modules": {name: source}, "extra": {name: code}, "calls": [[module, function, [args]]]}
Output: {"modules": {name: {"compiled": bool, "failing": [procedure]}}, "calls": [result, ...]}
Usage: python3 lo_compile.py INPUT.json PROFILE_DIR
"""
import json
import re
import sys

from lo_uno import desktop, prop

PROBE = "\nFunction XltoolsCompileProbe()\n    XltoolsCompileProbe = 42\nEnd Function\n"
PROC = re.compile(r"(?ims)^[ \t]*(?:(?:Public|Private|Friend|Static)[ \t]+)*(?:Sub|Function|Property[ \t]+\w+)[ \t]+\w+"
                  r".*?^[ \t]*End[ \t]+(?:Sub|Function|Property)\b[^\n]*\n?")


def vba_mode(source: str) -> str:
    lines = source.replace("\r\n", "\n").split("\n")
    k = next((i for i, line in enumerate(lines) if not line.startswith("Attribute ")), len(lines))
    return "\n".join(lines[:k] + ["Option VBASupport 1"] + lines[k:])


class Compiler:
    def __init__(self, doc):
        self.doc, self.count = doc, 0

    def library(self, source: str) -> str:
        self.count += 1
        name = f"check{self.count}"
        self.doc.BasicLibraries.createLibrary(name)
        self.doc.BasicLibraries.getByName(name).insertByName("Module1", source)
        return name

    def call(self, library: str, function: str, args=()):
        script = self.doc.getScriptProvider().getScript(
            f"vnd.sun.star.script:{library}.Module1.{function}?language=Basic&location=document")
        return script.invoke(tuple(args), (), ())[0]

    def compiles(self, source: str) -> tuple[bool, str]:
        library = self.library(vba_mode(source) + PROBE)
        try:
            return self.call(library, "XltoolsCompileProbe") == 42, library
        except Exception:  # some syntax errors leave no procedure to find: "script could not be found"
            return False, library


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        job = json.load(fh)
    with desktop(sys.argv[2]) as office:
        doc = office.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
        compiler = Compiler(doc)
        modules, libraries = {}, {}
        for name, source in job["modules"].items():
            ok, libraries[name] = compiler.compiles(source + job.get("extra", {}).get(name, ""))
            failing = []
            if not ok:
                first = PROC.search(source)
                header = source[:first.start()] if first else source
                failing = [re.match(r"\s*(?:\w+\s+)*?(?:Sub|Function|Property\s+\w+)\s+(\w+)", m.group(0)).group(1)
                           for m in PROC.finditer(source) if not compiler.compiles(header + m.group(0))[0]]
            modules[name] = {"compiled": ok, "failing": failing}
        calls = [compiler.call(libraries[module], function, args) for module, function, args in job.get("calls", [])]
        doc.close(True)
    print(json.dumps({"modules": modules, "calls": calls}, ensure_ascii=False))


if __name__ == "__main__":
    main()
