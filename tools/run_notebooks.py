"""Execute the reference notebooks headless, time them and collect their ``summary`` dicts.

    python -m tools.run_notebooks                 # every notebook in solutions/, full mode
    GAN_COURSE_FAST=1 python -m tools.run_notebooks 01 02
    python -m tools.run_notebooks --out work/run  # where executed copies and figures go

Each notebook ends by defining ``summary`` (its key numbers); a last cell is appended that prints
it as JSON. Executed notebooks and every figure (PNG) are written to the output folder so the
results can be looked at. Prints a markdown table; exit code 1 if a notebook failed.
"""
import argparse
import base64
import json
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARK = "@@SUMMARY@@"
REPORT = f"import json as _json\nprint({MARK!r} + _json.dumps(summary, default=str))"


def find_notebooks(selected):
    notebooks = sorted(ROOT.glob("solutions/*/*.ipynb"))
    if selected:
        notebooks = [p for p in notebooks if any(p.stem.startswith(s) or p.stem == s for s in selected)]
    return notebooks


def run_one(path, out_dir, timeout):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1][:200]
    seconds = time.perf_counter() - start
    summary = {}
    for output in nb.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(MARK):
                summary = json.loads(line[len(MARK):])
    target = out_dir / path.stem
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / path.name)
    figures = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                figures += 1
                (target / f"fig{figures:02d}.png").write_bytes(base64.b64decode(png))
    return {"notebook": path.stem, "seconds": round(seconds, 1), "error": error,
            "figures": figures, "summary": summary}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="prefixes such as 01 or 02_gan_1010 (default: all)")
    parser.add_argument("--out", default=str(ROOT / "work" / "run"), help="folder for executed copies")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds allowed per cell")
    args = parser.parse_args(argv)

    notebooks = find_notebooks(args.notebooks)
    if not notebooks:
        sys.exit(f"no notebook in solutions/ matches {args.notebooks}")
    mode = "fast" if os.environ.get("GAN_COURSE_FAST") == "1" else "full"
    out_dir = pathlib.Path(args.out)
    rows = []
    for path in notebooks:
        print(f"running {path.relative_to(ROOT)} ({mode} mode) ...", flush=True)
        row = run_one(path, out_dir, args.timeout)
        print(f"  {row['seconds']} s" + (f"  FAILED: {row['error']}" if row["error"] else ""), flush=True)
        rows.append(row)
    print("\n| notebook | mode | seconds | result |\n|---|---|---|---|")
    for row in rows:
        result = row["error"] and f"FAILED: {row['error']}" or json.dumps(row["summary"])
        print(f"| {row['notebook']} | {mode} | {row['seconds']} | {result} |")
    print(f"\nexecuted notebooks and figures: {out_dir}")
    return 1 if any(row["error"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
