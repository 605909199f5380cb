"""gankit: the fast switch, seeding, device, plots, progress and the grading checks."""
import math

import matplotlib
import pytest
import torch

import gankit
from gankit import checks
from gankit.config import fast_mode

matplotlib.use("Agg")


@pytest.mark.parametrize("env, expected", [
    ({}, False),
    ({"GAN_COURSE_FAST": "1"}, True),
    ({"GAN_COURSE_FAST": "yes"}, True),
    ({"GAN_COURSE_FAST": "0"}, False),
    ({"NBGRADER_EXECUTION": "autograde"}, True),
    ({"GAN_COURSE_FAST": "0", "NBGRADER_EXECUTION": "validate"}, True),
])
def test_fast_mode_switch(env, expected):
    assert fast_mode(env) is expected


def test_thread_count_from_environment():
    from gankit.config import set_threads

    before = torch.get_num_threads()
    try:
        assert set_threads({"GAN_COURSE_FAST": "1"}) == 1
        assert set_threads({"GAN_COURSE_THREADS": "2"}) == 2
        with pytest.raises(ValueError, match="GAN_COURSE_THREADS"):
            set_threads({"GAN_COURSE_THREADS": "many"})
        with pytest.raises(ValueError, match="at least 1"):
            set_threads({"GAN_COURSE_THREADS": "0"})
    finally:
        torch.set_num_threads(before)


def test_sized_follows_the_switch(monkeypatch):
    monkeypatch.setattr(gankit.config, "FAST", True)
    assert gankit.sized(100, 3) == 3
    monkeypatch.setattr(gankit.config, "FAST", False)
    assert gankit.sized(100, 3) == 100


def test_seed_everything_makes_models_reproducible():
    def make():
        gankit.seed_everything(123)
        return torch.nn.Linear(4, 3).weight.detach().clone(), torch.randn(5)

    (w1, z1), (w2, z2) = make(), make()
    assert torch.equal(w1, w2) and torch.equal(z1, z2)


def test_get_device(monkeypatch):
    assert gankit.get_device("cpu") == torch.device("cpu")
    monkeypatch.setenv("GAN_COURSE_DEVICE", "cpu")
    assert gankit.get_device() == torch.device("cpu")
    monkeypatch.delenv("GAN_COURSE_DEVICE")
    assert gankit.get_device().type in ("cpu", "cuda", "mps")


def test_show_versions_prints_device_and_mode(capsys):
    gankit.show_versions(torch.device("cpu"))
    out = capsys.readouterr()
    assert "torch" in out.out and "device: cpu" in out.out and "mode:" in out.out
    assert out.err == ""


@pytest.mark.parametrize("shape", [(6, 784), (6, 28, 28), (6, 1, 28, 28), (6, 3, 16, 16)])
def test_image_grid_accepts_common_layouts(shape):
    grid = gankit.image_grid(torch.rand(shape) * 2 - 1, nrow=3, value_range=(-1, 1))
    assert grid.ndim == 3 and grid.shape[2] == 3
    assert 0.0 <= grid.min() and grid.max() <= 1.0
    side = shape[-1] if len(shape) > 2 else 28
    assert grid.shape[1] == 3 * side + 4 * 2  # three images and four paddings across


def test_image_grid_rejects_non_square_vectors():
    with pytest.raises(ValueError, match="square"):
        gankit.image_grid(torch.rand(2, 10))


def test_show_grid_and_plot_history_draw():
    ax = gankit.show_grid(torch.rand(10, 1, 28, 28), nrow=5, title="samples")
    assert ax.get_title() == "samples" and len(ax.images) == 1
    history = gankit.History()
    for step in range(20):
        history.add(step=step, loss_D=torch.tensor(0.7 - step * 0.01), loss_G=0.69)
    assert len(history) == 20 and list(history.df.columns) == ["step", "loss_D", "loss_G"]
    assert isinstance(history.df.loss_D[0], float)
    ax = gankit.plot_history(history, x="step", hlines=(math.log(2),), smooth=3)
    assert len(ax.get_lines()) == 3  # two curves and the reference line
    assert history.last() == {"step": 19, "loss_D": 0.51, "loss_G": 0.69}


def test_progress_writes_to_stdout_not_stderr(capsys, monkeypatch):
    monkeypatch.setattr(gankit.config, "FAST", False)
    total = sum(1 for _ in gankit.progress(range(5), desc="train"))
    out = capsys.readouterr()
    assert total == 5 and "train" in out.out and "5/5" in out.out
    assert out.err == ""
    monkeypatch.setattr(gankit.config, "FAST", True)
    assert sum(1 for _ in gankit.progress(range(5), desc="quiet")) == 5
    assert "quiet" not in capsys.readouterr().out


# ---------------------------------------------------------------- checks used by graded cells

def test_expect_tensor_checks_type_shape_dtype_and_finiteness():
    x = torch.zeros(2, 3)
    assert checks.expect_tensor(x, "x", shape=(2, 3), dtype=torch.float32) is x
    with pytest.raises(checks.CheckFailed, match="should be a torch.Tensor, but it is a list"):
        checks.expect_tensor([0.0], "x")
    with pytest.raises(checks.CheckFailed, match=r"shape \(3, 2\)"):
        checks.expect_tensor(x, "x", shape=(3, 2))
    with pytest.raises(checks.CheckFailed, match="dtype torch.float64"):
        checks.expect_tensor(x.double(), "x", dtype=torch.float32)
    with pytest.raises(checks.CheckFailed, match="NaN"):
        checks.expect_tensor(torch.tensor([float("nan")]), "x")


def test_expect_close_names_the_worst_entry():
    expected = [[1.0, 2.0], [3.0, 4.0]]
    checks.expect_close(torch.tensor(expected) + 1e-6, expected, "out")
    with pytest.raises(checks.CheckFailed, match=r"at index \(1, 0\) it is 3.5, expected 3.*forgot the bias"):
        checks.expect_close(torch.tensor([[1.0, 2.0], [3.5, 4.0]]), expected, "out", hint="Maybe you forgot the bias?")


def test_checks_are_not_fooled_by_lookalikes_or_patched_torch(monkeypatch):
    class AlwaysEqual(torch.Tensor):
        def __eq__(self, other):
            return True

    class Liar:
        shape = (2,)
        dtype = torch.float32

        def __eq__(self, other):
            return True

    wrong = torch.tensor([5.0, 5.0])
    with pytest.raises(checks.CheckFailed):
        checks.expect_close(wrong.as_subclass(AlwaysEqual), [1.0, 2.0], "out")
    with pytest.raises(checks.CheckFailed):
        checks.expect_close(Liar(), [1.0, 2.0], "out")
    # A student cell that replaces torch's comparison functions changes nothing.
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(torch, "abs", lambda x: torch.zeros_like(x))
    with pytest.raises(checks.CheckFailed):
        checks.expect_close(wrong, [1.0, 2.0], "out")


def test_expect_scalar_and_expect():
    assert checks.expect_scalar(torch.tensor(0.6931), math.log(2), "loss") == pytest.approx(0.6931)
    assert checks.expect_scalar(0.25, 0.25, "loss") == 0.25
    with pytest.raises(checks.CheckFailed, match="is 0.5, expected 0.25"):
        checks.expect_scalar(0.5, 0.25, "loss")
    with pytest.raises(checks.CheckFailed, match="single number"):
        checks.expect_scalar(torch.zeros(2), 0.0, "loss")
    with pytest.raises(checks.CheckFailed, match="number or a one-element tensor"):
        checks.expect_scalar("0.25", 0.25, "loss")
    checks.expect(True, "never shown")
    for lookalike in (1, "yes", torch.tensor(True)):
        with pytest.raises(checks.CheckFailed, match="G was updated"):
            checks.expect(lookalike, "G was updated")


def test_count_parameters():
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 1))
    assert checks.count_parameters(net) == 4 * 3 + 3 + 3 + 1


def test_mnist_tensors_scale_into_minus_one_one():
    from gankit.data import mnist_tensors, scale_images

    x, y = mnist_tensors("train", limit=200)
    assert x.shape == (200, 1, 28, 28) and x.dtype == torch.float32 and y.shape == (200,)
    assert x.min() == -1.0 and x.max() == 1.0
    flat, _ = mnist_tensors("test", limit=10, flat=True)
    assert flat.shape == (10, 784)
    pixels = torch.tensor([0, 51, 255], dtype=torch.uint8)
    assert scale_images(pixels).tolist() == pytest.approx([-1.0, -0.6, 1.0])
    on_meta = scale_images(torch.zeros(2, 28, 28, dtype=torch.uint8, device="meta"))
    assert on_meta.device.type == "meta" and on_meta.shape == (2, 28, 28)
