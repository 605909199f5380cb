"""gankit.explorer.choose_digit: the digit buttons and "new z" redraw, and the static fallback works."""
import pytest
import torch
from torch import nn

pytest.importorskip("ipywidgets")

from gankit import explorer as ex  # noqa: E402


class TinyConditionalG(nn.Module):
    """G(z, y): one Linear on [z, y], so the label changes every image."""

    def __init__(self, latent_dim=4, num_classes=10):
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(latent_dim + num_classes, 784), nn.Tanh())

    def forward(self, z, y):
        return self.net(torch.cat([z, y], dim=1))


def test_digit_buttons_redraw_with_the_same_z():
    G = TinyConditionalG()
    chooser = ex.DigitChooser(G, 4, n=5, seed=1)
    first, z = chooser.image.value, chooser.z.clone()
    assert first[:4] == b"\x89PNG" and chooser.buttons.value == 0
    assert tuple(chooser.images().shape) == (5, 784)
    chooser.buttons.value = 7
    assert chooser.image.value != first, "choosing another digit did not redraw"
    assert torch.equal(chooser.z, z), "choosing a digit must keep the seeds"
    y = nn.functional.one_hot(torch.full((5,), 7), 10).float()
    torch.testing.assert_close(chooser.images(), G(z, y).detach())


def test_new_z_draws_new_seeds_and_keeps_the_digit():
    chooser = ex.DigitChooser(TinyConditionalG(), 4, n=3, seed=2, digit=3)
    z, before = chooser.z.clone(), chooser.image.value
    chooser.new_z.click()  # runs the on_click handlers, as a click in JupyterLab does
    assert not torch.equal(chooser.z, z) and chooser.buttons.value == 3
    assert chooser.image.value != before


def test_chooser_leaves_the_global_random_state_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    chooser = ex.DigitChooser(TinyConditionalG(), 4, seed=0)
    torch.manual_seed(5)
    chooser.new_z.click()
    assert torch.equal(torch.rand(3), expected)


def test_custom_condition_and_describe():
    seen = []

    def condition(labels):
        seen.append(labels.tolist())
        return nn.functional.one_hot(labels, 10).float()

    chooser = ex.DigitChooser(TinyConditionalG(), 4, n=2, condition=condition, digit=4,
                              describe=lambda images: f"{len(images)} images")
    assert seen[-1] == [4, 4] and chooser.label.value == "2 images"


def test_static_fallback_shows_every_digit(monkeypatch, capsys):
    import matplotlib

    matplotlib.use("Agg")
    calls = []
    G = TinyConditionalG()
    real_forward = G.forward

    def spy(z, y):
        calls.append((z.clone(), y.clone()))
        return real_forward(z, y)

    monkeypatch.setattr(G, "forward", spy)
    result = ex.choose_digit(G, 4, n=3, interactive=False, describe=lambda images: f"{len(images)} images")
    assert result is None
    z, y = calls[-1]
    assert tuple(z.shape) == (30, 4) and tuple(y.shape) == (30, 10)
    assert y.argmax(dim=1).tolist() == [d for d in range(10) for _ in range(3)]  # one row per digit
    assert torch.equal(z[:3], z[27:]), "every row should use the same seeds"
    out = capsys.readouterr().out
    assert "static view" in out and "9: 3 images" in out


def test_choose_digit_is_interactive_on_request():
    chooser = ex.choose_digit(TinyConditionalG(), 4, n=2, interactive=True, seed=3)
    assert isinstance(chooser, ex.DigitChooser)
