"""A headless soffice reached over UNO, for scripts run by a Python that has LibreOffice's `uno`
(Debian: /usr/bin/python3 with python3-uno): lo_basic.py and lo_compile.py."""
import contextlib
import os
import subprocess
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


@contextlib.contextmanager
def desktop(profile: str):
    """The Desktop of a soffice with a throw-away profile; soffice ends with the block."""
    pipe = f"xltools{os.getpid()}"
    proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{os.path.abspath(profile)}", "--headless",
                             "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = None
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
        found = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        yield found
    finally:
        try:
            if found is not None:
                found.terminate()
        except Exception:
            pass
        proc.terminate()
        proc.wait(30)
