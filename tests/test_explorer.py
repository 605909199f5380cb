"""gankit.explorer: the widget's callbacks redraw the images, and the static fallback works."""
import io

import pytest
import torch
from torch import nn

pytest.importorskip("ipywidgets")

from gankit import explorer as ex  # noqa: E402


def tiny_G(latent_dim=4):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(latent_dim, 784), nn.Tanh())


def png_size(data):
    from PIL import Image

    return Image.open(io.BytesIO(data)).size


def test_render_png_is_an_enlarged_row():
    images = torch.zeros(3, 784)
    data = ex.render_png(images, scale=2)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # make_grid pads 2 pixels around each 28x28 image: 3*28 + 4*2 = 92 wide, 32 high
    assert png_size(data) == (92 * 2, 32 * 2)


def test_slider_redraws_the_middle_image_only():
    G = tiny_G()
    explorer = ex.LatentExplorer(G, 4, seed=1)
    first = explorer.image.value
    assert first[:4] == b"\x89PNG"
    assert explorer.image.width == str(png_size(first)[0])  # shown at its own size, not stretched
    explorer.slider.value = 1.0
    assert explorer.image.value != first, "moving the slider did not redraw"
    ends = explorer.images(1.0)
    torch.testing.assert_close(ends[1], ends[2])  # t = 1 is z_b itself
    explorer.slider.value = 0.0
    torch.testing.assert_close(explorer.images()[1], explorer.images()[0])
    torch.testing.assert_close(explorer.seeds(0.25)[1], 0.75 * explorer.z_a[0] + 0.25 * explorer.z_b[0])


def test_buttons_draw_new_seeds_and_redraw():
    G = tiny_G()
    explorer = ex.LatentExplorer(G, 4, seed=2)
    z_a, z_b, before = explorer.z_a.clone(), explorer.z_b.clone(), explorer.image.value
    explorer.new_a.click()  # runs the on_click handlers, as a click in JupyterLab does
    assert not torch.equal(explorer.z_a, z_a) and torch.equal(explorer.z_b, z_b)
    after_a = explorer.image.value
    assert after_a != before
    explorer.new_b.click()
    assert not torch.equal(explorer.z_b, z_b)
    assert explorer.image.value != after_a


def test_explorer_leaves_the_global_random_state_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    explorer = ex.LatentExplorer(tiny_G(), 4, seed=0)
    torch.manual_seed(5)
    explorer.new_a.click()
    assert torch.equal(torch.rand(3), expected)


def test_describe_and_custom_seeds():
    G = tiny_G(2)
    seen = []

    def describe(images):
        seen.append(tuple(images.shape))
        return f"{len(images)} images"

    explorer = ex.LatentExplorer(G, 2, sample_z=lambda n, generator: torch.rand(n, 2, generator=generator),
                                 describe=describe)
    assert explorer.label.value == "3 images" and seen[-1] == (3, 784)
    assert bool((explorer.z_a >= 0).all()) and bool((explorer.z_a < 1).all())


def test_explore_falls_back_to_a_static_row(capsys, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setattr(ex, "widgets_available", lambda: True)
    monkeypatch.setattr(ex.config, "FAST", True)  # nbgrader and nbval run in fast mode
    assert ex.explore(tiny_G(), 4, steps=5, describe=lambda images: f"shown {len(images)}") is None
    out = capsys.readouterr().out
    assert "static view" in out and "shown 5" in out


def test_explore_without_a_kernel_is_static(capsys):
    import matplotlib

    matplotlib.use("Agg")
    assert not ex.widgets_available()  # pytest is not an IPython kernel
    assert ex.explore(tiny_G(), 4, steps=3) is None
    assert "static view" in capsys.readouterr().out
