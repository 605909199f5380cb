"""How good and how varied are generated digits? Numbers from the judge (:mod:`gankit.judge`).

- :func:`class_fractions` and :func:`class_coverage`: which digits a generator draws; a collapsed
  generator covers one or two classes, a healthy one all ten, about 10% each.
- :func:`mean_confidence`: how sure the judge is; scribbles get low confidence.
- :func:`frechet_distance`: how far the judge's features of the samples are from those of real
  digits (the idea of FID, with the judge in place of Inception); 0 means the same statistics.
- :func:`judge_report`: all of them at once, for a batch of generated images.
"""
import functools
import weakref

import torch

from .judge import Judge, load_judge

#: How many real test images the default reference set holds (fewer offline).
REFERENCE_SIZE = 2000

_reference_features = weakref.WeakKeyDictionary()  # judge -> features of the reference images


def class_fractions(preds, num_classes=10):
    """The fraction of samples in each class: float tensor (num_classes,) summing to 1, on the
    device of ``preds``.

    preds: predicted classes, int tensor (N,); a 2-D tensor of scores or probabilities
    (N, num_classes) is reduced with argmax first. An empty batch gives all zeros.
    """
    preds = torch.as_tensor(preds)
    if preds.dim() == 2:
        preds = preds.argmax(dim=1)
    classes = torch.arange(num_classes, device=preds.device)
    counts = (preds.reshape(-1, 1) == classes).sum(dim=0)  # (num_classes,)
    return counts.float() / max(len(preds), 1)


def class_coverage(preds, threshold=0.02, num_classes=10):
    """How many classes make up at least ``threshold`` of the samples (an int, 0 to num_classes).

    With the default 2%, a class seen once in 1,000 samples does not count: a generator that
    covers it only by accident has still collapsed.
    """
    return int((class_fractions(preds, num_classes) >= threshold).sum())


def mean_confidence(probs):
    """The mean over samples of the largest class probability; probs: (N, C) softmax outputs."""
    probs = torch.as_tensor(probs)
    return float(probs.max(dim=1).values.double().mean())


def _gaussian(feats):
    """Mean (F,) and sample covariance (F, F), in float64, of features (N, F)."""
    x = torch.as_tensor(feats).detach().reshape(len(feats), -1).double().cpu()
    if len(x) < 2:
        raise ValueError(f"a Frechet distance needs at least 2 samples per set, got {len(x)}")
    return x.mean(dim=0), torch.cov(x.T).reshape(x.shape[1], x.shape[1])


def _sqrt_psd(m):
    """Square root of a symmetric positive semi-definite matrix (negative round-off clipped)."""
    values, vectors = torch.linalg.eigh(m)
    return (vectors * values.clamp(min=0).sqrt()) @ vectors.T


def frechet_distance(feats_a, feats_b):
    """Frechet distance between Gaussians fitted to two feature sets (N_a, F) and (N_b, F).

    d = |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)), with sample means and
    covariances (divided by N - 1). Returns a float >= 0 (0 for identical statistics).

    Computed here rather than with torchmetrics' FrechetInceptionDistance: that class accepts
    the judge as its feature extractor and gives the same value offline, but it takes images
    rather than features (the report already has them from the same pass as the classes) and
    importing it loads all of torchmetrics' functional modules (audio, signal processing,
    torchvision's model zoo), which took longer than the whole report on a 2-core CPU.
    """
    mu_a, cov_a = _gaussian(feats_a)
    mu_b, cov_b = _gaussian(feats_b)
    if mu_a.shape != mu_b.shape:
        raise ValueError(f"feature sizes differ: {tuple(mu_a.shape)} and {tuple(mu_b.shape)}")
    # tr((S_a S_b)^(1/2)) = tr((R S_b R)^(1/2)) with R = S_a^(1/2): a symmetric matrix, whose
    # eigenvalues are real and >= 0, unlike those of the product S_a S_b computed in floats.
    root = _sqrt_psd(cov_a)
    cross = torch.linalg.eigvalsh(root @ cov_b @ root).clamp(min=0).sqrt().sum()
    d = (mu_a - mu_b).square().sum() + cov_a.trace() + cov_b.trace() - 2 * cross
    return max(float(d), 0.0)


def _run(judge, images, batch_size):
    """Judge features (N, F) float64 on the CPU and class probabilities (N, 10), in batches."""
    feats, probs = [], []
    for i in range(0, len(images), batch_size):
        x = images[i:i + batch_size]
        f = judge.features(x)
        # The Judge's head takes its features (one pass); another classifier is called again.
        logits = judge.head(f) if isinstance(judge, Judge) else judge(x)
        feats.append(f.double().cpu())
        probs.append(torch.softmax(logits.float(), dim=1).cpu())
    return torch.cat(feats), torch.cat(probs)


@functools.lru_cache(maxsize=1)
def reference_images():
    """The default real set: the first 2,000 MNIST test images in [-1, 1], (N, 1, 28, 28).

    Offline it is the 1,000 test images of the fallback. None if no MNIST is available.
    """
    from .data import mnist_tensors

    try:
        images, _ = mnist_tensors("test", limit=REFERENCE_SIZE)
    except Exception as e:  # data_tools explains a missing or corrupt file in its message
        print(f"judge_report: no real MNIST for the distance ({e})")
        return None
    return images


def judge_report(images, real=None, judge=None, batch_size=500):
    """Judge a batch of generated digits.

    images: (N, 1, 28, 28), (N, 28, 28) or (N, 784) in [-1, 1], like a Tanh generator's output.
    real: real images in [-1, 1] to measure the distance to; default the first 2,000 MNIST
    test images (:func:`reference_images`; their features are cached per judge).
    judge: the classifier (default :func:`load_judge`); it needs ``features(x)`` and ``x -> logits``.

    Returns a dict: ``n`` (samples), ``coverage`` (classes with at least 2% of the samples),
    ``fractions`` (the share of each of the 10 digits), ``confidence`` (mean top probability),
    ``distance`` (Frechet distance of the judge's features to the real set; None when there is no real MNIST) and
    ``reference`` (what the distance was measured against). The distance grows with fewer
    samples, so compare reports made with the same numbers of images.
    """
    judge = load_judge() if judge is None else judge
    with torch.no_grad():
        feats, probs = _run(judge, images, batch_size)
        if real is not None:
            ref, where = _run(judge, real, batch_size)[0], f"{len(real):,} given real images"
        else:
            ref = _reference_features.get(judge)
            if ref is None and reference_images() is not None:
                ref = _reference_features[judge] = _run(judge, reference_images(), batch_size)[0]
            where = f"{len(ref):,} real MNIST test images" if ref is not None else "no real MNIST"
    preds = probs.argmax(dim=1)
    return {
        "n": len(preds),
        "coverage": class_coverage(preds),
        "fractions": class_fractions(preds).tolist(),
        "confidence": mean_confidence(probs),
        "distance": frechet_distance(feats, ref) if ref is not None else None,
        "reference": where,
    }


def show_report(report, title=None):
    """Print a report from :func:`judge_report` as a short table."""
    distance = "n/a" if report.get("distance") is None else f"{report['distance']:.2f}"
    print(title or f"judge report on {report['n']:,} images")
    print(f"  coverage    {report['coverage']} of 10 digits (each at least 2% of the samples)")
    print(f"  confidence  {report['confidence']:.3f} (mean top probability)")
    print(f"  distance    {distance} (Frechet, to {report['reference']})")
    print("  digit   " + "".join(f"{d:>6d}" for d in range(10)))
    print("  share % " + "".join(f"{100 * h:6.1f}" for h in report["fractions"]))


def plot_histogram(report, ax=None, title=None):
    """Bar plot of a report's class shares (or of 10 fractions) with the uniform 10% line."""
    import matplotlib.pyplot as plt

    hist = report["fractions"] if isinstance(report, dict) else [float(h) for h in report]
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 2.5))
    ax.bar(range(len(hist)), [100 * h for h in hist], color="tab:blue")
    ax.axhline(100 / len(hist), color="gray", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(hist)))
    ax.set_xlabel("digit (judge's class)")
    ax.set_ylabel("% of samples")
    if title or isinstance(report, dict):
        ax.set_title(title or f"coverage {report['coverage']}/10")
    return ax
