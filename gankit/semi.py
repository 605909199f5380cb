"""Plumbing for notebook 07 (semi-supervised GANs): a training loop that records test accuracy
against steps, accuracy and the confusion matrix of a classifier, and the two-rings toy set with
its k-means contrast, cluster accuracy and decision-region plot.

The losses and the steps themselves are the lesson and stay in the notebook.
"""
import itertools
import time

import matplotlib.pyplot as plt
import torch

from .progress import History, progress


@torch.no_grad()
def predict(model, images, batch_size=1000):
    """The class ``model`` gives each image (argmax of its logits), int64 (N,) on the CPU.

    The model runs in eval mode (no dropout, no input noise) and is put back in the mode it had.
    ``images`` are moved in batches to the model's device.
    """
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        preds = [model(images[i:i + batch_size].to(device)).argmax(dim=1).cpu()
                 for i in range(0, len(images), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(preds) if preds else torch.zeros(0, dtype=torch.int64)


def classifier_accuracy(model, images, labels, batch_size=1000):
    """Share of ``images`` whose predicted class equals ``labels``, a float in [0, 1]."""
    return (predict(model, images, batch_size) == labels.cpu()).float().mean().item()


def confusion_matrix(preds, labels, num_classes=10):
    """int64 (num_classes, num_classes): entry [t, p] counts the images of class t predicted as p."""
    index = labels.cpu().long() * num_classes + preds.cpu().long()
    return torch.bincount(index, minlength=num_classes ** 2).reshape(num_classes, num_classes)


def plot_confusion(matrix, ax=None, title=None):
    """Show a confusion matrix with its counts; rows are the true class, columns the prediction."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    k = len(matrix)
    ax.imshow(matrix.float().log1p().numpy(), cmap="Blues")
    high = matrix.max().item() / 2
    for t, p in itertools.product(range(k), range(k)):
        n = int(matrix[t, p])
        if n:
            ax.text(p, t, str(n), ha="center", va="center", fontsize=7,
                    color="white" if n > high else "black")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title)
    return ax


def train_steps(step, steps, evaluate, eval_every=100, desc="training"):
    """Call ``step(i)`` for i = 1..steps and ``evaluate()`` every ``eval_every`` steps and at the end.

    ``step(i)`` does one training step and returns a dict of numbers to record (losses...);
    ``evaluate()`` returns the test accuracy. Returns ``(history, curve, seconds)``: a
    ``History`` of the step's numbers, the list of ``(step, accuracy)`` pairs (step 0 first),
    and the training time in seconds without the evaluations.
    """
    history, curve = History(), [(0, evaluate())]
    bar = progress(total=steps, desc=desc)
    seconds, start = 0.0, time.perf_counter()
    for i in range(1, steps + 1):
        history.add(step=i, **step(i))
        bar.update()
        if i % eval_every == 0 or i == steps:
            seconds += time.perf_counter() - start
            curve.append((i, evaluate()))
            bar.set_postfix(accuracy=f"{curve[-1][1]:.3f}")
            start = time.perf_counter()
    seconds += time.perf_counter() - start
    bar.close()
    return history, curve, seconds


def two_rings(n, radii=(0.3, 1.0), noise=0.08, seed=0):
    """n points on two concentric rings, alternating between them, with Gaussian noise.

    Returns (x float32 (n, 2), ring int64 (n,)): ring 0 is the inner one.
    """
    g = torch.Generator().manual_seed(seed)
    ring = torch.arange(n) % 2
    radius = torch.tensor(radii, dtype=torch.float32)[ring]
    angle = torch.rand(n, generator=g) * 2 * torch.pi
    x = torch.stack([radius * angle.cos(), radius * angle.sin()], dim=1)
    return x + noise * torch.randn(n, 2, generator=g), ring


def kmeans(x, k=2, iterations=50, seed=0):
    """Plain k-means (Lloyd's algorithm) from k data points chosen at random.

    Returns (assignment int64 (N,), centres float (k, D)).
    """
    g = torch.Generator().manual_seed(seed)
    centres = x[torch.randperm(len(x), generator=g)[:k]].clone()
    for _ in range(iterations):
        assignment = torch.cdist(x, centres).argmin(dim=1)
        centres = torch.stack([x[assignment == j].mean(dim=0) if bool((assignment == j).any()) else centres[j]
                               for j in range(k)])
    return torch.cdist(x, centres).argmin(dim=1), centres


def cluster_accuracy(assignment, labels, k=None):
    """Accuracy of a clustering under the best one-to-one naming of its clusters (k up to 8).

    Clusters have no names, so cluster 0 may be class 1: every mapping of clusters to classes is
    tried and the best kept.
    """
    k = k or int(max(assignment.max(), labels.max()) + 1)
    if k > 8:
        raise ValueError("cluster_accuracy tries every mapping: use it for at most 8 clusters")
    counts = confusion_matrix(assignment, labels, k).T  # [cluster, class]
    best = max(sum(int(counts[c, m]) for c, m in enumerate(p)) for p in itertools.permutations(range(k)))
    return best / len(labels)


def plot_regions(classify, x, assignment, ax=None, title=None, extent=1.5, points=None, resolution=200):
    """Colour the plane by ``classify`` (float (M, 2) -> int64 (M,) classes) and draw the data.

    ``x`` (N, 2) is drawn coloured by ``assignment``; ``points`` (optional, (P, 2)) is drawn as
    small black crosses, e.g. a generator's samples.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    axis = torch.linspace(-extent, extent, resolution)
    grid = torch.stack(torch.meshgrid(axis, axis, indexing="xy"), dim=-1).reshape(-1, 2)
    regions = classify(grid).reshape(resolution, resolution)
    ax.imshow(regions.numpy(), origin="lower", extent=(-extent, extent, -extent, extent), cmap="coolwarm",
              alpha=0.3, vmin=0, vmax=max(1, int(regions.max())))
    ax.scatter(x[:, 0], x[:, 1], c=assignment.numpy(), cmap="coolwarm", s=4, vmin=0, vmax=max(1, int(assignment.max())))
    if points is not None:
        ax.scatter(points[:, 0], points[:, 1], c="black", marker="x", s=8, linewidths=0.6, label="G's samples")
        ax.legend(loc="upper right", fontsize=8)
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax
