"""gankit.training: training for a fixed time with copies of G_ema, and the tables that compare runs."""
import matplotlib
import pandas as pd
import pytest
import torch
from torch import nn

from gankit import training
from gankit.data import mnist_tensors
from gankit.judge import load_judge

matplotlib.use("Agg")


class TinyG(nn.Module):
    """z (N, 4) -> images (N, 1, 28, 28); a batch norm, so that G_ema's statistics matter."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 784), nn.BatchNorm1d(784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))

    def forward(self, z):
        return self.net(z)


def run_tiny(**kwargs):
    torch.manual_seed(0)
    G = TinyG()
    opt = torch.optim.SGD(G.parameters(), lr=0.1)
    calls = []

    def step(real, z):
        calls.append((real.shape, z.shape, z.device))
        loss = (G(z) - real).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return {"loss_G": loss}

    images = torch.rand(40, 1, 28, 28) * 2 - 1
    return G, training.train_for(G, step, images, batch_size=8, latent_dim=4, **kwargs), calls


def test_train_for_stops_at_max_steps_and_keeps_copies_at_image_counts():
    G, run, calls = run_tiny(seconds=60, max_steps=12, snapshot_at=[3600], snapshot_images=[16, 50, 10_000])
    assert run["steps"] == 12 and run["images_seen"] == 96 and len(calls) == 12
    assert calls[0] == (torch.Size([8, 1, 28, 28]), torch.Size([8, 4]), torch.device("cpu"))
    assert list(run["history"].df.columns) == ["step", "seconds", "loss_G"] and len(run["history"]) == 12
    # a copy when the images seen first reach 16 (step 2) and 50 (step 7: 56 images); none for later targets
    assert [(s["target"], s["steps"], s["images"]) for s in run["snapshots"]] == [
        (("images", 16), 2, 16), (("images", 50), 7, 56)]
    for copy in [run["G_ema"]] + [s["G_ema"] for s in run["snapshots"]]:
        assert not copy.training
        assert copy(torch.zeros(3, 4)).shape == (3, 1, 28, 28)
    # G_ema is an average, not G itself, and its batch norm was measured again for its own weights
    assert not torch.equal(run["G_ema"].module.net[0].weight, G.net[0].weight)
    assert not torch.equal(run["G_ema"].module.net[1].running_mean, G.net[1].running_mean)


def test_train_for_stops_when_the_time_is_up():
    _, run, _ = run_tiny(seconds=0.3, snapshot_at=[0.0])
    assert 0.3 <= run["seconds"] < 5 and run["steps"] >= 1
    assert run["snapshots"][0]["target"] == ("seconds", 0.0) and run["snapshots"][0]["steps"] == 0


def test_ready_keeps_a_network_without_batch_norm_working():
    G = nn.Sequential(nn.Linear(4, 784), nn.Tanh())
    assert training.ready(G, latent_dim=4) is G and not G.training


def points(*rows):
    return [{"target": t, "seconds": s, "steps": n, "images": i, "distance": d} for t, s, n, i, d in rows]


def test_equal_table_at_equal_images_and_equal_time():
    curves = {
        "A": points((("seconds", 15), 15.0, 100, 6400, 90.0), (("end", None), 30.2, 200, 12800, 60.0)),
        "B": points((("seconds", 15), 15.1, 300, 38400, 150.0), (("images", 6400), 3.0, 50, 6400, 400.0),
                    (("images", 12800), 6.0, 100, 12800, 250.0), (("end", None), 30.0, 600, 76800, 50.0)),
    }
    by_images = training.equal_table(curves, "images")
    assert by_images.index.name == "images seen" and list(by_images.index) == ["6,400", "12,800"]
    assert by_images.to_dict("list") == {"A": ["90.0 (100)", "60.0 (200)"], "B": ["400.0 (50)", "250.0 (100)"]}
    by_time = training.equal_table(curves, "seconds")
    assert list(by_time.index) == ["15 s", "end"]
    assert by_time.to_dict("list") == {"A": ["90.0 (100)", "60.0 (200)"], "B": ["150.0 (300)", "50.0 (600)"]}
    curves["B"] = curves["B"][:1]  # a run that kept no copy at a count or time shows "-"
    assert training.equal_table(curves, "images")["B"].tolist() == ["-", "-"]
    fig = training.plot_curves(curves)
    assert len(fig.axes) == 2
    matplotlib.pyplot.close(fig)


@pytest.fixture(scope="module")
def judged():
    return load_judge("cpu"), mnist_tensors("train", limit=1000)


def test_mix_distance_grows_with_an_uneven_mix(judged):
    judge, (images, labels) = judged
    even = training.mix_distance([0.1] * 10, images, labels, judge, n=500)
    skewed = training.mix_distance([0.5] + [0.5 / 9] * 9, images, labels, judge, n=500)
    assert 0 < even < skewed


def test_compare_and_judge_run(judged):
    judge, (images, labels) = judged
    _, run, _ = run_tiny(seconds=60, max_steps=4, snapshot_images=[16])
    z = torch.randn(200, 4, generator=torch.Generator().manual_seed(0))
    table, reports = training.compare({"tiny": run}, z, judge, images, labels)
    assert isinstance(table, pd.DataFrame) and list(table.index) == ["tiny"]
    assert table.loc["tiny", "steps"] == 4 and table.loc["tiny", "images seen"] == 32
    assert {"coverage", "distance", "most drawn", "least drawn", "real digits in this mix"} <= set(table.columns)
    assert reports["tiny"]["n"] == 200
    curve = training.judge_run(run, z, judge)
    assert [p["target"] for p in curve] == [("images", 16), ("end", None)]
    assert curve[-1]["distance"] == pytest.approx(reports["tiny"]["distance"])
