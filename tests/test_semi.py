"""gankit.semi: accuracy, confusion matrix, the training loop with its accuracy curve, the rings toy set."""
import math

import torch
from torch import nn

import gankit
from gankit import semi


class Fixed(nn.Module):
    """A 'classifier' whose logits are its input's first columns: predictions known by hand."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x[:, :3] + 0 * self.w


def test_predict_and_accuracy_restore_the_mode():
    model = Fixed().train()
    x = torch.tensor([[5.0, 0, 0], [0, 5.0, 0], [0, 0, 5.0], [5.0, 0, 0]])
    assert semi.predict(model, x, batch_size=3).tolist() == [0, 1, 2, 0]
    assert model.training
    assert semi.classifier_accuracy(model, x, torch.tensor([0, 1, 1, 0])) == 0.75
    assert gankit.classifier_accuracy is semi.classifier_accuracy


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    m = semi.confusion_matrix(torch.tensor([0, 1, 1, 2]), torch.tensor([0, 0, 1, 2]), num_classes=3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]


def test_train_steps_records_every_step_and_the_curve():
    calls = []
    history, curve, seconds = semi.train_steps(lambda i: calls.append(i) or {"loss": 1.0 / i}, 25,
                                               lambda: len(calls) / 100, eval_every=10)
    assert calls == list(range(1, 26))
    assert len(history) == 25 and history.df.loss.iloc[-1] == 1 / 25
    assert curve == [(0, 0.0), (10, 0.1), (20, 0.2), (25, 0.25)]
    assert seconds >= 0


def test_two_rings_and_kmeans():
    x, ring = semi.two_rings(400, radii=(0.3, 1.0), noise=0.0, seed=1)
    assert x.shape == (400, 2) and x.dtype == torch.float32 and ring.tolist()[:4] == [0, 1, 0, 1]
    radius = x.norm(dim=1)
    assert torch.allclose(radius[ring == 0], torch.tensor(0.3)) and torch.allclose(radius[ring == 1], torch.tensor(1.0))
    assert torch.equal(semi.two_rings(50, seed=3)[0], semi.two_rings(50, seed=3)[0])
    # two separate blobs: k-means finds them
    blobs = torch.cat([torch.randn(50, 2) * 0.1 - 3, torch.randn(50, 2) * 0.1 + 3])
    assignment, centres = semi.kmeans(blobs, k=2, seed=0)
    truth = torch.arange(100) // 50
    assert semi.cluster_accuracy(assignment, truth) == 1.0
    assert centres.shape == (2, 2)


def test_cluster_accuracy_takes_the_best_naming():
    truth = torch.tensor([0, 0, 1, 1, 2, 2])
    assert semi.cluster_accuracy(torch.tensor([2, 2, 0, 0, 1, 1]), truth) == 1.0
    assert math.isclose(semi.cluster_accuracy(torch.tensor([1, 1, 1, 0, 0, 0]), truth), 4 / 6)


def test_plots_draw(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    x, ring = semi.two_rings(100)
    ax = semi.plot_regions(lambda p: (p.norm(dim=1) > 0.65).long(), x, ring, points=x[:5], resolution=20)
    assert ax.get_xlim() == (-1.5, 1.5)
    ax = semi.plot_confusion(semi.confusion_matrix(torch.tensor([0, 1]), torch.tensor([0, 0]), 2), title="t")
    assert ax.get_title() == "t"
