"""Run a reference notebook in full mode with one setting changed, for the claims its text makes
about settings it does not use ("with dropout in D, ...", "with a LayerNorm in D, ...").

    GAN_COURSE_DATA_DIR=<MNIST cache> python -m benchmarks.notebook_variants 06-dropout 06-no-projection
    python -m benchmarks.notebook_variants --list

Each variant copies one notebook of solutions/ to the output folder, replaces text in named
cells (each old text must occur exactly once; an old text of None replaces the whole cell, e.g. a
test cell that checks what the variant changes), runs it like tools.run_notebooks and prints a
markdown table row with its seconds and the numbers its summary holds. The executed copy and its
figures go to ``<out>/<variant>/``.
"""
import argparse
import json
import pathlib
import sys

import nbformat

from tools.run_notebooks import ROOT, find_notebooks, run_one

VARIANTS = {
    "06-dropout": dict(
        notebook="06_cgan",
        what="D with dropout 0.3 (notebook 03's setting) instead of none",
        edits=[("train_setup", "D = ConditionalDiscriminator(num_classes, dropout=0.0).to(device)",
                "D = ConditionalDiscriminator(num_classes, dropout=0.3).to(device)")]),
    "06-no-projection": dict(
        notebook="06_cgan",
        what="D with dropout 0.3 and without the projection term (the input join only)",
        edits=[("train_setup", "D = ConditionalDiscriminator(num_classes, dropout=0.0).to(device)",
                "D = ConditionalDiscriminator(num_classes, dropout=0.3).to(device)"),
               ("discriminator", "return self.out(h) + projection  # (N, 1)", "return self.out(h)  # (N, 1)"),
               ("test_discriminator", None, "# not run in this variant: it checks the projection")]),
    "04-layernorm-in-D": dict(
        notebook="04_mode_collapse_and_seeds",
        what="the book's LayerNorm in D too, in every stage that has one in G",
        edits=[("stage_tools", 'D = make_D(config["leaky"], layer_norm=False).to(device)',
                'D = make_D(config["leaky"], layer_norm=config["layer_norm"]).to(device)')]),
}


def make_variant(name, out_dir):
    """Write the changed copy of the variant's notebook to ``out_dir/name/`` and return its path."""
    spec = VARIANTS[name]
    (source,) = find_notebooks([spec["notebook"]])
    nb = nbformat.read(source, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for cell, old, new in spec["edits"]:
        if old is None:
            cells[cell].source = new
            continue
        count = cells[cell].source.count(old)
        if count != 1:
            sys.exit(f"{name}: the text to replace is in cell {cell!r} {count} times, not once:\n{old}")
        cells[cell].source = cells[cell].source.replace(old, new)
    target = out_dir / name / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="*", help="names of variants (see --list)")
    parser.add_argument("--list", action="store_true", help="list the variants and exit")
    parser.add_argument("--out", default=str(ROOT / "work" / "variants"), help="folder for executed copies")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    if args.list or not args.variants:
        for name, spec in VARIANTS.items():
            print(f"{name}: {spec['notebook']}, {spec['what']}")
        return 0
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; see --list")
    out_dir = pathlib.Path(args.out)
    rows = []
    for name in args.variants:
        path = make_variant(name, out_dir)
        print(f"running {name}: {VARIANTS[name]['what']} ...", flush=True)
        row = run_one(path, out_dir / name, args.timeout)
        print(f"  {row['seconds']} s" + (f"  FAILED: {row['error']}" if row["error"] else ""), flush=True)
        rows.append((name, row))
    print("\n| variant | seconds | result |\n|---|---|---|")
    for name, row in rows:
        result = row["error"] and f"FAILED: {row['error']}" or json.dumps(row["summary"])
        print(f"| {name} | {row['seconds']} | {result} |")
    return 1 if any(row["error"] for _, row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
