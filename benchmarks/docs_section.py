"""Shared by the benchmark scripts: describe the machine; replace one script's part of docs/benchmarks.md.

Each script owns the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`, so re-running one script
refreshes its own figures and leaves the others' alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine_line() -> str:
    """CPU model, cores, load and Python: the context a reader needs to compare figures."""
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line
        ]
        cpu = models[0] if models else cpu
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores ({cpu}), load average {load:.1f} at start, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )


def command_line() -> str:
    """The command that ran this benchmark, as the docs quote it for reproduction."""
    return "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])


def markdown_table(columns: list[str], rows: list[str]) -> str:
    """A Markdown table from its column names and rows already written as `| a | b |` lines."""
    return "\n".join(["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns), *rows])


def write_section(name: str, markdown: str, docs: Path = DOCS) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n{markdown.strip()}\n{end}"
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    if start in text and end in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Replace section NAME of docs/benchmarks.md with stdin.")
    parser.add_argument("name", help="e.g. bench_serve")
    write_section(parser.parse_args().name, sys.stdin.read())
