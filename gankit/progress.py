"""A progress bar for training loops and a loss history that becomes a pandas DataFrame."""
import pandas as pd
from tqdm.auto import tqdm

from . import config


def progress(iterable=None, total=None, desc=None, **kwargs):
    """``tqdm.auto`` with the course's defaults: a widget in JupyterLab, text elsewhere.

    Progress goes to stdout: nbgrader and nbval treat anything on stderr as a failure.
    The bar is hidden in fast mode, where loops are a few steps long.
    """
    import sys

    kwargs.setdefault("file", sys.stdout)
    kwargs.setdefault("leave", True)
    kwargs.setdefault("disable", bool(config.FAST))
    return tqdm(iterable, total=total, desc=desc, **kwargs)


class History:
    """Collects one row of numbers per step, e.g. ``history.add(step=i, loss_D=..., loss_G=...)``.

    Values may be floats or 0-d tensors (they are turned into floats). ``history.df`` is the
    DataFrame; ``history.last()`` the last row as a dict, handy for ``bar.set_postfix``.
    """

    def __init__(self):
        self.rows = []

    def add(self, **values):
        row = {k: (v.item() if hasattr(v, "item") else v) for k, v in values.items()}
        self.rows.append(row)
        return row

    def last(self, digits=3):
        if not self.rows:
            return {}
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in self.rows[-1].items()}

    @property
    def df(self):
        return pd.DataFrame(self.rows)

    def __len__(self):
        return len(self.rows)
