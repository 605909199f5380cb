"""Notebook 03's GAN against seed 000's, for the same wall-clock training time.

    python -m benchmarks.bench_mnist_gan                 # full mode: about 10 minutes on 2 cores
    python -m benchmarks.bench_mnist_gan --seconds 60    # skip the notebook, baseline only

1. Runs solutions/03_mnist_gan in full mode (``tools.run_notebooks.run_one``) and reads its
   ``summary``: training seconds, coverage, distance and confidence of 2,000 samples.
2. Trains the baseline (:mod:`benchmarks.seed000_baseline`) for the notebook's training seconds,
   on the same images, and judges 2,000 samples from a fixed z the same way.
3. Prints a markdown table and writes it to benchmarks/out/mnist_gan.md.

The issue is done when notebook 03 reaches coverage 10/10 within 5 minutes with at most a quarter
of the baseline's judge distance (ratio <= 0.25). Full MNIST must be in the cache folder
(``GAN_COURSE_DATA_DIR``; ``python -m data_tools fetch mnist``): on the 5,000 offline images the
numbers mean little, and the table says which data was used.
"""
import argparse
import json
import os
import pathlib
import platform
import sys
import time

from benchmarks import OUT, ROOT

NOTEBOOK = ROOT / "solutions" / "03_mnist_gan" / "03_mnist_gan.ipynb"
SAMPLES = 2000  # as many as the notebook judges: the distance depends on the sample size


def run_notebook(out_dir, timeout):
    from tools.run_notebooks import run_one

    print(f"running {NOTEBOOK.relative_to(ROOT)} in full mode ...", flush=True)
    row = run_one(NOTEBOOK, out_dir, timeout)
    if row["error"]:
        sys.exit(f"notebook 03 failed: {row['error']}")
    summary = row["summary"]
    print(f"  {row['seconds']} s in all, training {summary['train_seconds']} s: "
          f"coverage {summary['coverage']}/10, distance {summary['distance']}", flush=True)
    return row


def run_baseline(seconds):
    import torch

    from benchmarks.seed000_baseline import mnist_minus1_1, train_baseline
    from gankit import get_device
    from gankit.metrics import judge_report

    images = mnist_minus1_1()
    print(f"training the seed 000 baseline for {seconds:.0f} s on {len(images):,} images ...", flush=True)
    result = train_baseline(seconds, images=images, n_samples=SAMPLES, device=get_device())
    # the post samples in training mode; eval mode is judged too, and the better one counts
    reports = {mode: judge_report(result.pop(key)) for mode, key in (("train", "samples"), ("eval", "samples_eval"))}
    for mode, r in reports.items():
        print(f"  baseline samples in {mode} mode: coverage {r['coverage']}/10, distance {r['distance']:.1f}")
    mode = min(reports, key=lambda m: reports[m]["distance"])
    report = reports[mode]
    result.update(sample_mode=mode, coverage=report["coverage"], distance=report["distance"],
                  confidence=report["confidence"], images=len(images), threads=torch.get_num_threads())
    return result


def table(nb, base):
    keys = ("epochs", "steps", "coverage", "distance", "confidence")
    rows = [
        ("notebook 03", nb["train_seconds"], *(nb[k] for k in keys)),
        (f"seed 000 baseline ({base['sample_mode']} mode)", base["seconds"], *(base[k] for k in keys)),
    ]
    lines = ["| GAN | training s | epochs | steps | coverage | distance | confidence |",
             "|---|---|---|---|---|---|---|"]
    for name, secs, epochs, steps, cov, dist, conf in rows:
        lines.append(f"| {name} | {secs:.0f} | {epochs:.2f} | {steps} | {cov}/10 | {dist:.1f} | {conf:.3f} |")
    ratio = nb["distance"] / base["distance"] if base["distance"] else float("nan")
    return "\n".join(lines), ratio


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, help="train only the baseline, for this many seconds")
    parser.add_argument("--out", default=str(OUT), help="folder for the table and the executed notebook")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds allowed per notebook cell")
    args = parser.parse_args(argv)
    if os.environ.get("GAN_COURSE_FAST", "").strip().lower() in ("1", "true", "yes", "on"):
        sys.exit("unset GAN_COURSE_FAST: the benchmark compares full-mode runs")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    started = time.strftime("%Y-%m-%d %H:%M")
    nb_row = None
    if args.seconds is None:
        nb_row = run_notebook(out, args.timeout)
        seconds = float(nb_row["summary"]["train_seconds"])
    else:
        seconds = args.seconds
    base = run_baseline(seconds)

    import torch

    lines = ["# Notebook 03 against the seed 000 baseline at equal training time", "",
             f"{started}, {platform.machine()} with {os.cpu_count()} cores, torch {torch.__version__}, "
             f"{base['threads']} threads, {base['images']:,} training images, {SAMPLES:,} samples judged.", ""]
    if nb_row is None:
        lines += [f"Baseline only, {seconds:.0f} s: coverage {base['coverage']}/10, distance "
                  f"{base['distance']:.1f}, confidence {base['confidence']:.3f}, {base['steps']} steps."]
    else:
        nb = nb_row["summary"]
        text, ratio = table(nb, base)
        done = nb["coverage"] == 10 and ratio <= 0.25 and nb_row["seconds"] <= 300
        lines += [text, "",
                  f"Distance ratio notebook / baseline: **{ratio:.3f}** (done when <= 0.25). "
                  f"Notebook 03 ran {nb_row['seconds']:.0f} s in all (done when <= 300), coverage "
                  f"{nb['coverage']}/10: {'done' if done else 'not done'}.", "",
                  f"Notebook summary: `{json.dumps(nb)}`"]
    text = "\n".join(lines) + "\n"
    (out / "mnist_gan.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"written: {out / 'mnist_gan.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
