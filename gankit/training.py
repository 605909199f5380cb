"""Training for a fixed wall-clock time, and the tables that compare such runs (notebook 05).

The notebook keeps what it teaches: the networks, the losses and the step that updates D and G
(passed in as ``step``). This module holds the plumbing around it: the clock, the shuffled
batches, the moving average G_ema and its copies along the way, and the judge's tables and plots.
"""
import copy
import time

import torch

from .progress import History, progress


def ready(G_ema, latent_dim, seed=3, batches=8, batch_size=256):
    """G_ema in eval mode, with its batch norms' running statistics measured again for its own
    weights (``torch.optim.swa_utils.update_bn`` on fresh noise; the statistics G collected during
    training belong to G's weights, not to their average). Returns G_ema."""
    device = next(G_ema.parameters()).device
    g = torch.Generator().manual_seed(seed)
    noise = [torch.randn(batch_size, latent_dim, generator=g).to(device) for _ in range(batches)]
    torch.optim.swa_utils.update_bn(noise, G_ema)
    return G_ema.eval()


def train_for(G, step, images, batch_size, latent_dim, seconds, max_steps=None, snapshot_at=(),
              snapshot_images=(), ema_decay=0.995, seed=0, desc="training"):
    """Call ``step(real, z)`` on shuffled batches until ``seconds`` have passed (or ``max_steps``).

    real: a batch of ``images`` (kept on the CPU, moved to G's device), z: noise (batch_size,
    latent_dim) on G's device. ``step`` updates D and G and returns a dict of losses (floats or
    0-d tensors). After each step G_ema, the exponential moving average of G's weights (decay
    ``ema_decay``), is updated. A copy of G_ema is kept when the time first reaches each value of
    ``snapshot_at`` (seconds) and when the images seen first reach each value of ``snapshot_images``.

    Returns a dict: ``G_ema`` (ready to sample), ``steps``, ``seconds``, ``images_seen``,
    ``history`` (a History of step, seconds and the losses) and ``snapshots``, a list of dicts
    (``target``: ("seconds", t) or ("images", n); ``seconds``, ``steps``, ``images``, ``G_ema``).
    """
    device = next(G.parameters()).device
    G_ema = torch.optim.swa_utils.AveragedModel(G, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(ema_decay))
    targets = [("seconds", t) for t in snapshot_at] + [("images", n) for n in snapshot_images]
    history, snapshots = History(), []
    order = torch.Generator().manual_seed(seed)  # the shuffle has its own random state
    batches = len(images) // batch_size
    bar = progress(total=round(seconds), desc=desc, unit="s")
    step_count, start = 0, time.perf_counter()
    while True:
        elapsed = time.perf_counter() - start
        for target in [t for t in targets if (elapsed if t[0] == "seconds" else step_count * batch_size) >= t[1]]:
            targets.remove(target)
            snapshots.append({"target": target, "seconds": elapsed, "steps": step_count,
                              "images": step_count * batch_size, "G_ema": copy.deepcopy(G_ema)})
        if elapsed >= seconds or step_count == max_steps:
            break
        if step_count % batches == 0:
            perm = torch.randperm(len(images), generator=order)
        i = step_count % batches
        real = images[perm[i * batch_size:(i + 1) * batch_size]].to(device)
        losses = step(real, torch.randn(batch_size, latent_dim, device=device))
        G_ema.update_parameters(G)
        step_count += 1
        history.add(step=step_count, seconds=elapsed, **losses)
        if step_count % 50 == 0:
            bar.update(min(round(elapsed), bar.total) - bar.n)
            bar.set_postfix(history.last(2))
    bar.update(bar.total - bar.n)
    bar.close()
    for s in snapshots:
        ready(s["G_ema"], latent_dim)
    return {"G_ema": ready(G_ema, latent_dim), "steps": step_count, "seconds": time.perf_counter() - start,
            "images_seen": step_count * batch_size, "history": history, "snapshots": snapshots}


@torch.no_grad()
def judge_generator(G, z, judge):
    """The judge's report (:func:`gankit.judge_report`) on G's images of the noise z."""
    from .metrics import judge_report

    return judge_report(G(z.to(next(G.parameters()).device)).cpu(), judge=judge)


def judge_run(run, z, judge):
    """The judge's distance along a run: a list of dicts (target, seconds, steps, images,
    distance), one per copy of G_ema kept and one for the end (target ("end", None))."""
    points = run["snapshots"] + [{"target": ("end", None), "seconds": run["seconds"], "steps": run["steps"],
                                  "images": run["images_seen"], "G_ema": run["G_ema"]}]
    return [{k: v for k, v in p.items() if k != "G_ema"}
            | {"distance": judge_generator(p["G_ema"], z, judge)["distance"]} for p in points]


def equal_table(curves, by):
    """The distances of several runs side by side, steps in brackets (a DataFrame).

    ``by="seconds"``: at equal training time, one row per time at which the first run kept a copy
    of G_ema, and its end. ``by="images"``: at equal numbers of images seen, one row per image count
    of the first run's copies and its end; the other runs give the copy they kept at that count
    (``snapshot_images`` of :func:`train_for`), or "-" if they kept none.
    """
    import pandas as pd

    names = list(curves)
    own = [p for p in curves[names[0]] if p["target"][0] != "images"]  # the first run's own copies

    def cell(point):
        return f"{point['distance']:.1f} ({point['steps']:,})" if point else "-"

    if by == "seconds":
        index = pd.Index(["end" if p["target"][0] == "end" else f"{p['target'][1]:g} s" for p in own], name="seconds")
        table = {name: [cell(next((q for q in curves[name] if q["target"] == p["target"]), None)) for p in own]
                 for name in names}
    else:
        index = pd.Index([f"{p['images']:,}" for p in own], name="images seen")
        table = {names[0]: [cell(p) for p in own]}
        table.update({name: [cell(next((q for q in curves[name] if q["target"] == ("images", p["images"])), None))
                             for p in own] for name in names[1:]})
    return pd.DataFrame(table, index=index)


def mix_distance(fractions, images, labels, judge, n=2000, seed=7):
    """The judge's distance of n real digits drawn from ``images`` in the class shares ``fractions``
    (10 numbers): what a generator's mix of digits alone costs, however well it draws each one."""
    from .metrics import judge_report

    g = torch.Generator().manual_seed(seed)
    members = [(labels == d).nonzero().squeeze(1) for d in range(10)]
    picks = [m[torch.randint(len(m), (round(share * n),), generator=g)] for m, share in zip(members, fractions)]
    return judge_report(images[torch.cat(picks)], judge=judge)["distance"]


def compare(runs, z, judge, images, labels):
    """One row per run ({name: run}): time, steps, images seen, the judge's coverage, distance and
    confidence on G_ema's images of z, the most and the least drawn digit, and the distance of real
    digits drawn in that mix (:func:`mix_distance`). Returns (DataFrame, {name: report})."""
    import pandas as pd

    reports, rows = {}, []
    for name, run in runs.items():
        r = reports[name] = judge_generator(run["G_ema"], z, judge)
        shares = torch.tensor(r["fractions"])
        most, least = int(shares.argmax()), int(shares.argmin())
        rows.append({"GAN": name, "seconds": round(run["seconds"]), "steps": run["steps"],
                     "images seen": run["images_seen"], "coverage": r["coverage"],
                     "distance": round(r["distance"], 1), "confidence": round(r["confidence"], 3),
                     "most drawn": f"{most} ({shares[most]:.0%})", "least drawn": f"{least} ({shares[least]:.0%})",
                     "real digits in this mix": round(mix_distance(r["fractions"], images, labels, judge, len(z)), 1)})
    return pd.DataFrame(rows).set_index("GAN"), reports


def plot_curves(curves):
    """The judge's distance of each run against training time (left) and images seen (right)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    fig, (ax_time, ax_images) = plt.subplots(1, 2, figsize=(11, 3.4), sharey=True)
    for name, points in curves.items():
        points = sorted(points, key=lambda p: p["steps"])
        distances = [p["distance"] for p in points]
        ax_time.plot([p["seconds"] for p in points], distances, "o-", label=name)
        ax_images.plot([p["images"] / 1000 for p in points], distances, "o-", label=name)
    ax_time.set_xlabel("training time (s)")
    ax_images.set_xlabel("images seen (thousands, log scale)")
    ax_images.set_xscale("log")
    ax_time.set_ylabel("judge's distance (lower is better)")
    ax_time.set_title("G_ema during training: at equal time ...")
    ax_images.set_title("... and at equal numbers of images")
    for ax in (ax_time, ax_images):
        ax.set_yscale("log")
        ax.grid(True)
        ax.legend()
        for axis in (ax.yaxis, ax_images.xaxis) if ax is ax_images else (ax.yaxis,):
            axis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 50, 100, 200 rather than 5 x 10^1
            axis.set_major_formatter(ScalarFormatter())
            axis.set_minor_formatter(NullFormatter())
    return fig
