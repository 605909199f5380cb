"""Image grids and loss curves (matplotlib, with torchvision's make_grid)."""
import matplotlib.pyplot as plt
import pandas as pd
import torch


def image_grid(images, nrow=8, value_range=None, padding=2):
    """Arrange a batch of images into one (H, W, C) numpy array for ``imshow``.

    images: tensor (N, C, H, W), (N, H, W) or (N, 784) for MNIST-sized vectors.
    value_range: (low, high) of the input, e.g. (-1, 1) after Tanh; None scales each batch
    by its own min and max.
    """
    from torchvision.utils import make_grid  # imported on first use: torchvision is slow to import

    x = torch.as_tensor(images).detach().float().cpu()
    if x.dim() == 2:
        side = int(round(x.shape[1] ** 0.5))
        if side * side != x.shape[1]:
            raise ValueError(f"cannot reshape vectors of length {x.shape[1]} into square images")
        x = x.view(-1, 1, side, side)
    elif x.dim() == 3:
        x = x.unsqueeze(1)
    if x.dim() != 4:
        raise ValueError(f"expected images of shape (N, C, H, W), got {tuple(x.shape)}")
    grid = make_grid(x, nrow=nrow, padding=padding, normalize=True,
                     value_range=value_range, pad_value=1.0)
    return grid.permute(1, 2, 0).numpy()


def show_grid(images, nrow=8, title=None, value_range=None, ax=None, figsize=None):
    """Show a batch of images as one grid; returns the matplotlib Axes."""
    grid = image_grid(images, nrow=nrow, value_range=value_range)
    if ax is None:
        n = len(images)
        rows = max(1, -(-n // nrow))
        _, ax = plt.subplots(figsize=figsize or (min(nrow, n) * 0.9 + 0.5, rows * 0.9 + 0.6))
    ax.imshow(grid[..., 0] if grid.shape[2] in (1, 3) and (grid[..., 0] == grid[..., -1]).all() else grid,
              cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_history(history, columns=None, x=None, ax=None, ylim=None, hlines=(), smooth=None,
                 title=None, figsize=(8, 3.5)):
    """Plot columns of a loss history (a ``History`` or a DataFrame) against the step.

    hlines: reference values drawn dashed, e.g. ``(0.25,)`` for the MSE equilibrium or ``math.log(2)``.
    smooth: window of a rolling mean, for noisy per-batch losses.
    x: the column on the x axis; by default ``step`` or ``epoch`` when there is one.
    """
    df = history.df if hasattr(history, "df") else pd.DataFrame(history)
    if x is None:
        x = next((c for c in ("step", "epoch") if c in df.columns), None)
    if x is not None:
        df = df.set_index(x)
    columns = list(columns) if columns is not None else [c for c in df.columns if c != x]
    data = df[columns]
    if smooth:
        data = data.rolling(smooth, min_periods=1).mean()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    data.plot(ax=ax, alpha=0.9, grid=True)
    for h in hlines:
        ax.axhline(h, color="gray", linestyle="--", linewidth=1)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.set_xlabel(x or "step")
    return ax


def show_numbers(grids, titles, width_ratios=None, figsize=(13, 4.4)):
    """Small 2-D tensors side by side, each cell printed with its value and the non-zero cells shaded."""
    fig, axes = plt.subplots(1, len(grids), figsize=figsize, gridspec_kw=dict(width_ratios=width_ratios))
    for ax, grid, title in zip(axes, grids, titles):
        grid = grid.detach().cpu().reshape(grid.shape[-2:])
        ax.imshow(grid != 0, cmap="Blues", vmin=0, vmax=1.6)
        for (r, c), v in zip(torch.cartesian_prod(torch.arange(grid.shape[0]), torch.arange(grid.shape[1])).tolist(),
                             grid.reshape(-1).tolist()):
            ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=8, color="black" if v else "gray")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title)
    fig.tight_layout()
    return fig
