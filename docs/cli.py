"""The README's command-line reference, generated from the commands' own help so that it never drifts.

`python docs/cli.py` prints it; `--write` puts it into README.md between the markers;
a test checks that README.md holds exactly what this prints.
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
START, END = "<!-- cli:start -->", "<!-- cli:end -->"
WIDTH = 98  # the help as a terminal of 100 columns or more shows it (click keeps 2 columns spare),
#            whatever the terminal running this


def walk(command, path="", parent=None):
    """(path, help text) for the group and every command under it, in the order of the group's list.

    Each context is named by its own command only: click joins the parents' names into the usage line.
    """
    import click

    from xltools.clickzh import Context

    ctx = Context(command, info_name=path.split(" ")[-1] or "xltools", parent=parent, terminal_width=WIDTH,
                  **command.context_settings)
    yield path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, f"{path} {name}".strip(), ctx)


def reference() -> str:
    sys.path.insert(0, ROOT)
    from xltools.cli import main

    return "\n\n".join(f"#### `xltools {path} -h`\n\n```\n{text}\n```".replace("xltools  -h", "xltools -h")
                       for path, text in walk(main))


def main() -> None:
    sys.path.insert(0, HERE)
    from readme_markers import print_or_write

    print_or_write(reference(), START, END)


if __name__ == "__main__":
    main()
