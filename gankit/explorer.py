"""A latent explorer: a slider between two seeds and buttons that draw new ones (ipywidgets).

    from gankit.explorer import explore
    explore(G, latent_dim)      # a live widget in JupyterLab, a static row of images elsewhere

The widget shows three images, G(z_a) | G(mix) | G(z_b) with mix = (1 - t) z_a + t z_b, and
redraws the middle one while the slider moves. Without a widget front end (ipywidgets missing,
fast mode, nbgrader, nbval) :func:`explore` shows the path from z_a to z_b as one row of images.

Seeds are drawn on the CPU (from the widget's own random generator) and moved to G's device and
dtype before G sees them; the labels of the digit chooser are made on G's device, and the
condition made from them is moved there too. Images come back on the CPU.
"""
import io

import torch

from . import config
from .plots import image_grid


def widgets_available():
    """True when ipywidgets can be imported and we run inside an IPython kernel."""
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _placement(G):
    """(device, dtype) of G's first parameter: where G's inputs must go (the CPU and float32 if none)."""
    param = next(G.parameters(), None)
    if param is None:
        return torch.device("cpu"), torch.float32
    return param.device, param.dtype if param.is_floating_point() else torch.float32


def _to(x, device, dtype):
    """``x`` on ``device``; floating tensors also in ``dtype`` (integer ones, e.g. labels for an
    embedding, keep theirs)."""
    x = torch.as_tensor(x)
    return x.to(device=device, dtype=dtype) if x.is_floating_point() else x.to(device)


def render_png(images, scale=4, nrow=None, value_range=(-1, 1)):
    """PNG bytes of a row of generated images (N, 784) or (N, 1, 28, 28), each enlarged ``scale`` times."""
    from PIL import Image

    grid = image_grid(images, nrow=nrow or len(images), value_range=value_range)
    pixels = (grid[..., 0] * 255).round().clip(0, 255).astype("uint8")
    picture = Image.fromarray(pixels)  # uint8 (H, W): a grey image
    picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


class _ImageWidget:
    """What both widgets share: ``images()`` is drawn into ``self.image``, ``describe`` into ``self.label``."""

    def update(self):
        """Redraw the images (and the description) for the current state of the controls."""
        images = self.images()
        png = render_png(images, scale=self.scale, value_range=self.value_range)
        self.image.value = png
        self.image.width = int.from_bytes(png[16:20], "big")  # the PNG's own width: no stretching
        if self.describe is not None:
            self.label.value = str(self.describe(images))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def _show(make_widget, show_static, interactive=None):
    """Display the widget ``make_widget()`` and return it, or call ``show_static()`` (returns None).

    interactive: None decides by itself: a widget when ipywidgets works and fast mode is off
    (nbgrader and nbval run in fast mode, where a widget would show nothing).
    """
    if interactive is None:
        interactive = widgets_available() and not config.FAST
    if interactive:
        try:
            widget = make_widget()
        except ImportError:
            pass
        else:
            from IPython.display import display

            display(widget.widget)
            return widget
    return show_static()


class LatentExplorer(_ImageWidget):
    """Two seeds z_a, z_b, a slider t in [0, 1] and the images G makes of them, redrawn live.

    G: a generator taking (N, latent_dim) seeds to images in [-1, 1] (N, 784) or (N, 1, 28, 28).
    sample_z: ``sample_z(n, generator)`` returns new seeds (n, latent_dim); default standard normal.
    describe: optional ``describe(images) -> str`` for the three images shown (e.g. the judge's labels).
    seed: seeds the explorer's own random generator, so the global random state is left alone.

    Attributes: ``slider``, ``new_a`` and ``new_b`` (buttons), ``image`` (the PNG shown),
    ``label`` (the text from ``describe``), ``widget`` (the whole box), ``z_a``, ``z_b``.
    """

    def __init__(self, G, latent_dim, sample_z=None, describe=None, seed=0, scale=3, value_range=(-1, 1)):
        import ipywidgets as widgets

        self.G, self.latent_dim, self.describe = G, latent_dim, describe
        self.scale, self.value_range = scale, value_range
        self.generator = torch.Generator().manual_seed(seed)
        self.sample_z = sample_z or (lambda n, generator: torch.randn(n, latent_dim, generator=generator))
        self.z_a, self.z_b = self._draw(), self._draw()

        self.slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="t",
                                          continuous_update=True, readout_format=".2f")
        self.new_a = widgets.Button(description="new seed A", icon="refresh")
        self.new_b = widgets.Button(description="new seed B", icon="refresh")
        self.image = widgets.Image(format="png")
        self.label = widgets.HTML()
        self.slider.observe(lambda change: self.update(), names="value")
        self.new_a.on_click(lambda button: self.redraw("a"))
        self.new_b.on_click(lambda button: self.redraw("b"))
        caption = widgets.HTML("<b>G(z_a)</b> &nbsp;|&nbsp; G((1 - t) z_a + t z_b) &nbsp;|&nbsp; <b>G(z_b)</b>")
        self.widget = widgets.VBox([widgets.HBox([self.new_a, self.slider, self.new_b]),
                                    caption, self.image, self.label])
        self.update()

    def _draw(self):
        z = torch.as_tensor(self.sample_z(1, self.generator)).reshape(1, self.latent_dim)
        return z.float()

    def seeds(self, t=None):
        """(3, latent_dim): z_a, the mix at t (default the slider's value), z_b."""
        t = self.slider.value if t is None else t
        return torch.cat([self.z_a, (1 - t) * self.z_a + t * self.z_b, self.z_b])

    @torch.no_grad()
    def images(self, t=None):
        """The three images (3, ...) that G makes of :meth:`seeds`, on the CPU."""
        z = _to(self.seeds(t), *_placement(self.G))
        return self.G(z).detach().cpu()

    def redraw(self, which):
        """Draw a new seed for ``which`` ("a" or "b") and update."""
        if which == "a":
            self.z_a = self._draw()
        else:
            self.z_b = self._draw()
        self.update()


def explore(G, latent_dim, interactive=None, steps=7, **kwargs):
    """Show the latent explorer for ``G``; returns the :class:`LatentExplorer` (or None if static).

    interactive: None decides by itself: a widget when ipywidgets works and fast mode is off
    (nbgrader and nbval run in fast mode, where a widget would show nothing). The static
    fallback draws the two seeds as the explorer would and shows ``steps`` images along the
    straight path between them, with ``describe`` printed below.
    """
    return _show(lambda: LatentExplorer(G, latent_dim, **kwargs),
                 lambda: _static_row(G, latent_dim, steps, **kwargs), interactive)


def _static_row(G, latent_dim, steps, sample_z=None, describe=None, seed=0, value_range=(-1, 1), **_):
    import matplotlib.pyplot as plt

    from .plots import show_grid

    generator = torch.Generator().manual_seed(seed)
    sample_z = sample_z or (lambda n, generator: torch.randn(n, latent_dim, generator=generator))
    z_a, z_b = (torch.as_tensor(sample_z(1, generator)).reshape(1, latent_dim).float() for _ in range(2))
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    with torch.no_grad():
        images = G(_to((1 - t) * z_a + t * z_b, *_placement(G))).detach().cpu()
    print("(static view: no interactive widgets here) G along the path z_a -> z_b, t = "
          + ", ".join(f"{v:.2f}" for v in t.squeeze(1).tolist()))
    show_grid(images, nrow=steps, value_range=value_range)
    plt.show()
    if describe is not None:
        print(describe(images))
    return None


# Choosing a digit: for conditional generators G(z, condition), notebook 06.


def _one_hot_condition(num_classes):
    return lambda labels: torch.nn.functional.one_hot(labels.long(), num_classes).float()


class DigitChooser(_ImageWidget):
    """A conditional generator's samples of one digit at a time: buttons 0-9 and a "new z" button.

    G: a conditional generator called as ``G(z, condition(labels))``, z float (n, latent_dim),
    labels int64 (n,); it returns images in [-1, 1], (n, 784) or (n, 1, 28, 28).
    condition: turns labels into G's condition; default one-hot, float (n, num_classes). It gets
    the labels on G's device; what it returns is moved to G's device (and dtype, if floating) too.
    n: how many samples to show side by side. They keep the same z while another digit is
    chosen, so only the digit changes, not the style; "new z" draws n new seeds.
    describe, seed, scale, value_range: as for :class:`LatentExplorer`.

    Attributes: ``buttons`` (ToggleButtons, the digit), ``new_z`` (Button), ``image``, ``label``,
    ``widget``, ``z`` (n, latent_dim).
    """

    def __init__(self, G, latent_dim, num_classes=10, n=8, condition=None, describe=None, seed=0,
                 scale=3, value_range=(-1, 1), digit=0):
        import ipywidgets as widgets

        self.G, self.latent_dim, self.n, self.describe = G, latent_dim, n, describe
        self.scale, self.value_range = scale, value_range
        self.condition = condition or _one_hot_condition(num_classes)
        self.generator = torch.Generator().manual_seed(seed)
        self.z = self._draw()

        self.buttons = widgets.ToggleButtons(options=list(range(num_classes)), value=digit,
                                             description="digit", style={"button_width": "2.6em"})
        self.new_z = widgets.Button(description="new z", icon="refresh")
        self.image = widgets.Image(format="png")
        self.label = widgets.HTML()
        self.buttons.observe(lambda change: self.update(), names="value")
        self.new_z.on_click(lambda button: self.redraw())
        self.widget = widgets.VBox([widgets.HBox([self.buttons, self.new_z]), self.image, self.label])
        self.update()

    def _draw(self):
        return torch.randn(self.n, self.latent_dim, generator=self.generator)

    @torch.no_grad()
    def images(self, digit=None):
        """The n images (n, ...) that G makes of ``z`` for ``digit`` (default the chosen one), on the CPU."""
        digit = self.buttons.value if digit is None else digit
        device, dtype = _placement(self.G)
        labels = torch.full((self.n,), int(digit), dtype=torch.long, device=device)
        return self.G(_to(self.z, device, dtype), _to(self.condition(labels), device, dtype)).detach().cpu()

    def redraw(self):
        """Draw n new seeds and update."""
        self.z = self._draw()
        self.update()


def choose_digit(G, latent_dim, num_classes=10, n=8, interactive=None, **kwargs):
    """Show the digit chooser for a conditional ``G``; returns the :class:`DigitChooser` (or None if static).

    interactive: as for :func:`explore`. The static fallback draws the n seeds as the chooser
    would and shows all the digits at once, one row per digit, the same z in each column, with
    ``describe`` printed below for each row.
    """
    return _show(lambda: DigitChooser(G, latent_dim, num_classes=num_classes, n=n, **kwargs),
                 lambda: _static_digits(G, latent_dim, num_classes, n, **kwargs), interactive)


def _static_digits(G, latent_dim, num_classes, n, condition=None, describe=None, seed=0,
                   value_range=(-1, 1), **_):
    import matplotlib.pyplot as plt

    from .plots import show_grid

    condition = condition or _one_hot_condition(num_classes)
    z = torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))
    device, dtype = _placement(G)
    labels = torch.arange(num_classes, device=device).repeat_interleave(n)  # 0 0 ... 1 1 ...: one row per digit
    with torch.no_grad():
        images = G(_to(z.repeat(num_classes, 1), device, dtype), _to(condition(labels), device, dtype)).detach().cpu()
    print(f"(static view: no interactive widgets here) G(z, y) for y = 0..{num_classes - 1}, "
          f"one row per digit, the same {n} seeds z in every row")
    show_grid(images, nrow=n, value_range=value_range)
    plt.show()
    if describe is not None:
        for digit in range(num_classes):
            print(f"{digit}: {describe(images[digit * n:(digit + 1) * n])}")
    return None
