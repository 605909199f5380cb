"""gankit.explorer feeds G on G's own device and dtype, without needing a GPU to show it.

The generators here keep their parameters on the ``meta`` device: a device of its own, without
values, that refuses to mix with CPU tensors exactly as a GPU does ("Tensor on device cpu is not
on the expected device meta!"). They run their layers on what they are given, so a seed or a
condition left on the CPU fails as it would on CUDA or MPS, then return blank CPU images of the
right shape so that the widgets can draw them.
"""
import pytest
import torch
from torch import nn

pytest.importorskip("ipywidgets")

from gankit import explorer as ex  # noqa: E402

META = torch.device("meta")


class MetaG(nn.Module):
    """G(z): one Linear on the meta device; records the device and dtype of each z it gets."""

    def __init__(self, latent_dim=4):
        super().__init__()
        self.net = nn.Linear(latent_dim, 784, device=META)
        self.seen = []

    def forward(self, z):
        self.seen.append((z.device, z.dtype))
        out = self.net(z)  # fails unless z is on the meta device
        return torch.zeros(out.shape)  # blank images on the CPU, for the widget to draw


class MetaConditionalG(nn.Module):
    """G(z, y): one Linear on [z, y] on the meta device; records the devices of z and y."""

    def __init__(self, latent_dim=4, num_classes=10):
        super().__init__()
        self.net = nn.Linear(latent_dim + num_classes, 784, device=META)
        self.seen = []

    def forward(self, z, y):
        self.seen.append((z.device, y.device))
        out = self.net(torch.cat([z, y], dim=1))  # fails unless z and y are both on the meta device
        return torch.zeros(out.shape)


def test_the_meta_device_refuses_cpu_inputs_like_a_gpu():
    # what makes the tests below worth something: a CPU seed fails on a meta G
    with pytest.raises((RuntimeError, NotImplementedError)):
        MetaG()(torch.zeros(2, 4))


def test_latent_explorer_gives_G_seeds_on_its_device():
    G = MetaG()
    explorer = ex.LatentExplorer(G, 4, seed=1)
    explorer.slider.value = 0.25
    explorer.new_a.click()
    assert G.seen and all(seen == (META, torch.float32) for seen in G.seen)
    assert tuple(explorer.images().shape) == (3, 784) and explorer.images().device.type == "cpu"


def test_static_row_gives_G_seeds_on_its_device(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    G = MetaG()
    assert ex.explore(G, 4, interactive=False, steps=5) is None
    assert G.seen == [(META, torch.float32)]


def test_seeds_follow_Gs_dtype():
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(4, 784), nn.Tanh()).double()
    explorer = ex.LatentExplorer(G, 4, seed=0)  # float32 seeds would fail in a float64 Linear
    assert explorer.images().dtype == torch.float64


def test_digit_chooser_makes_labels_and_condition_on_Gs_device():
    G, label_devices = MetaConditionalG(), []

    def condition(labels):  # a one-hot that builds its result where the labels are, as it should
        label_devices.append(labels.device)
        y = torch.zeros(len(labels), 10, device=labels.device)
        return y.scatter_(1, labels.unsqueeze(1), 1.0)

    chooser = ex.DigitChooser(G, 4, n=3, condition=condition, seed=1)
    chooser.buttons.value = 7
    chooser.new_z.click()
    assert label_devices and set(label_devices) == {META}
    assert G.seen and set(G.seen) == {(META, META)}


def test_digit_chooser_default_condition_is_on_Gs_device():
    G = MetaConditionalG()
    ex.DigitChooser(G, 4, n=2, digit=5)
    assert G.seen and set(G.seen) == {(META, META)}


def test_a_condition_made_on_the_cpu_is_moved_to_Gs_device():
    # a condition that makes its tensor without device= (on the CPU): the chooser still works on a GPU
    G = MetaConditionalG()
    chooser = ex.DigitChooser(G, 4, n=2, condition=lambda labels: torch.zeros(len(labels), 10), seed=2)
    chooser.buttons.value = 3
    assert G.seen and set(G.seen) == {(META, META)}


def test_static_digits_give_G_everything_on_its_device():
    import matplotlib

    matplotlib.use("Agg")
    G, label_devices = MetaConditionalG(), []

    def condition(labels):
        label_devices.append(labels.device)
        return nn.functional.one_hot(labels, 10).float()

    assert ex.choose_digit(G, 4, n=2, interactive=False, condition=condition) is None
    assert label_devices == [META] and G.seen == [(META, META)]
