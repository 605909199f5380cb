"""Train the judge (gankit.judge.Judge) on the full MNIST training set and save its weights.

    python -m tools.train_judge             # writes gankit/weights/judge.pt and its notes
    python -m tools.train_judge --dry-run   # a few steps on a few hundred images, saves nothing

Needs the full MNIST in the cache folder (``python -m data_tools fetch mnist``); with only the
5,000 offline images it stops unless ``--allow-small`` is given. Seeded: on one machine the same
command gives the same weights. Writes ``judge.pt`` (a state_dict), ``judge.json`` (test accuracy,
date, command, settings) and ``README.md`` next to it.
"""
import argparse
import datetime
import hashlib
import json
import platform
import shlex
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from gankit.config import seed_everything
from gankit.data import mnist_tensors
from gankit.judge import WEIGHTS, Judge


def evaluate(judge, x, y, batch_size=1000):
    """Accuracy of ``judge`` on images ``x`` (in [-1, 1]) with labels ``y``."""
    judge.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            correct += (judge(x[i:i + batch_size]).argmax(1) == y[i:i + batch_size]).sum().item()
    return correct / max(len(x), 1)


def shift(x, max_shift, generator):
    """Each image moved by its own random whole-pixel offset of up to ``max_shift`` (background fill).

    x: (N, 1, 28, 28) in [-1, 1]. The only augmentation: generated digits are not always centred.
    """
    n, size = len(x), x.shape[-1]
    padded = F.pad(x[:, 0], (max_shift,) * 4, value=-1.0)  # (N, 28 + 2m, 28 + 2m)
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2, n, 1), generator=generator)
    rows = dy + torch.arange(size)  # (N, 28)
    cols = dx + torch.arange(size)
    return padded[torch.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]].unsqueeze(1)


def train(x, y, epochs, batch_size, lr, seed, max_shift=0, log=print):
    """A Judge trained with Adam and a one-cycle learning rate; returns it in eval mode."""
    seed_everything(seed)
    judge = Judge()
    opt = torch.optim.Adam(judge.parameters(), lr=lr)
    steps = epochs * (len(x) // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1))
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        judge.train()
        order = torch.randperm(len(x), generator=gen)
        total, start = 0.0, time.perf_counter()
        for i in range(len(x) // batch_size):
            idx = order[i * batch_size:(i + 1) * batch_size]
            batch = shift(x[idx], max_shift, gen) if max_shift else x[idx]
            loss = F.cross_entropy(judge(batch), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        log(f"epoch {epoch + 1}/{epochs}: loss {total / max(len(x) // batch_size, 1):.4f} "
            f"({time.perf_counter() - start:.0f} s)")
    return judge.eval()


def write_notes(out, meta):
    """judge.json (the numbers) and README.md (the same, for people) beside the weights."""
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    readme = out.parent / "README.md"
    shifts = f"random shifts of up to {meta['shift']} pixels" if meta["shift"] else "no augmentation"
    schedule = f"Adam, one-cycle lr up to {meta['lr']}, seed {meta['seed']}"
    readme.write_text(f"""# The judge's weights

`{out.name}` is the state_dict of `gankit.judge.Judge`, the small MNIST classifier the course uses
to measure generated digits (class coverage, confidence, Frechet distance of its features; see
`gankit/metrics.py`). `{out.with_suffix('.json').name}` holds the same facts as this page.

| | |
|---|---|
| test accuracy | **{meta['test_accuracy'] * 100:.2f}%** on the {meta['test_images']:,} MNIST test images |
| training data | {meta['train_images']:,} MNIST training images scaled into [-1, 1], {shifts} |
| parameters | {meta['parameters']:,} ({meta['bytes'] / 1024:.0f} KB file) |
| training | {meta['epochs']} epochs, batch {meta['batch_size']}, {schedule}, {meta['seconds']:.0f} s on a CPU |
| made on | {meta['date']} with torch {meta['torch']} |
| sha256 | `{meta['sha256']}` |

Made with:

```
{meta['command']}
```

`load_judge()` reads this file; if it is missing, the same command makes it again (it needs the
full MNIST in the cache folder: `python -m data_tools fetch mnist`).
""")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shift", type=int, default=2,
                        help="random shifts of up to this many pixels (0: none)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for torch (default: torch's; 1 is fastest on a busy CPU)")
    parser.add_argument("--out", type=Path, default=WEIGHTS,
                        help="weights file (default: %(default)s)")
    parser.add_argument("--allow-small", action="store_true",
                        help="train on whatever MNIST is available, even the 5,000 offline images")
    parser.add_argument("--dry-run", action="store_true",
                        help="a few steps on 512 images; saves nothing")
    args = parser.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    limit = 512 if args.dry_run else None
    x, y = mnist_tensors("train", limit=limit)
    x_test, y_test = mnist_tensors("test", limit=limit)
    if len(x) < 60_000 and not (args.dry_run or args.allow_small):
        print(f"only {len(x):,} training images: the judge is trained on the full 60,000. "
              f"Run `python -m data_tools fetch mnist` first (or pass --allow-small).",
              file=sys.stderr)
        return 1
    epochs = 1 if args.dry_run else args.epochs
    start = time.perf_counter()
    judge = train(x, y, epochs, args.batch_size, args.lr, args.seed, args.shift)
    seconds = time.perf_counter() - start
    accuracy = evaluate(judge, x_test, y_test)
    print(f"test accuracy: {accuracy * 100:.2f}% on {len(x_test):,} images "
          f"({seconds:.0f} s of training)")
    if args.dry_run:
        return 0

    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(judge.state_dict(), args.out)
    blob = args.out.read_bytes()
    command = "python -m tools.train_judge" + "".join(
        " " + shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    write_notes(args.out, {
        "test_accuracy": round(accuracy, 4),
        "test_images": len(x_test),
        "train_images": len(x),
        "parameters": sum(p.numel() for p in judge.parameters()),
        "bytes": len(blob),
        "sha256": hashlib.sha256(blob).hexdigest(),
        "epochs": epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "seed": args.seed,
        "shift": args.shift,
        "seconds": round(seconds, 1),
        "date": datetime.date.today().isoformat(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "command": command,
    })
    print(f"saved {args.out} ({len(blob) / 1024:.0f} KB) and its notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
