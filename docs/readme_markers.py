"""Shared by the scripts that write generated text into README.md between two marker comments."""
from __future__ import annotations

import os
import sys

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def print_or_write(text: str, start: str, end: str) -> None:
    """Print the text; with --write on the command line, put it into README.md between the markers."""
    if "--write" not in sys.argv:
        print(text)
        return
    with open(README, encoding="utf-8") as fh:
        readme = fh.read()
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(README, "w", encoding="utf-8") as fh:
        fh.write(f"{head}{start}\n{text}\n{end}{tail}")
