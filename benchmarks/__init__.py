"""Benchmarks: each writes its markdown table to benchmarks/out/ (see RESULTS.md for the record)."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def write_table(name, table):
    """Print a markdown table and write it to benchmarks/out/<name>."""
    print(table)
    OUT.mkdir(exist_ok=True)
    (OUT / name).write_text(table + "\n")
    print(f"\nwritten to {(OUT / name).relative_to(ROOT)}")
