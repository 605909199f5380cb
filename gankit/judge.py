"""The judge: a small MNIST classifier that measures what a generator draws.

It was trained on real MNIST scaled into [-1, 1], the range of a generator that ends in Tanh,
and its weights ship with the package (``gankit/weights/judge.pt``). The course uses it for
class coverage (mode collapse), confidence, and the Frechet distance of its features
(see :mod:`gankit.metrics`)::

    judge = load_judge()
    logits = judge(fake)            # fake: (N, 1, 28, 28), (N, 28, 28) or (N, 784) in [-1, 1]
    feats = judge.features(fake)    # (N, 64)
"""
from pathlib import Path

import torch
from torch import nn

from .data import scale_images

WEIGHTS = Path(__file__).resolve().parent / "weights" / "judge.pt"
TRAIN_COMMAND = "python -m tools.train_judge"

_cache = {}


class Judge(nn.Module):
    """Two convolution blocks, a 64-unit feature layer and a 10-way linear head.

    Input: images in [-1, 1] shaped (N, 1, 28, 28), (N, 28, 28) or (N, 784); a uint8 tensor
    (0-255) is scaled into [-1, 1] first. Inputs are moved to the judge's device.
    ``forward`` returns logits (N, 10); :meth:`features` the 64 features before the head.
    """

    num_features = 64  # the feature size, read by torchmetrics and by the metrics

    def __init__(self):
        super().__init__()
        # Strided convolutions instead of pooling: as accurate on MNIST, and about three times
        # faster on a CPU, where the full-resolution activations of a pooled net cost the most.
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 5, stride=2, padding=2), nn.ReLU(),    # (N, 16, 14, 14)
            nn.Conv2d(16, 32, 5, stride=2, padding=2), nn.ReLU(),   # (N, 32, 7, 7)
            nn.Flatten(),                                           # (N, 1568)
            nn.Linear(32 * 7 * 7, self.num_features), nn.ReLU(),   # (N, 64)
        )
        self.dropout = nn.Dropout(0.3)  # only active while training
        self.head = nn.Linear(self.num_features, 10)              # (N, 10)

    def prepare(self, x):
        """``x`` as float (N, 1, 28, 28) on the judge's device; checks the shape."""
        x = torch.as_tensor(x)
        shape = tuple(x.shape)
        if x.dtype == torch.uint8:
            x = scale_images(x)
        if x.dim() == 2 and shape[1] == 784:
            x = x.reshape(-1, 1, 28, 28)
        elif x.dim() == 3 and shape[1:] == (28, 28):
            x = x.unsqueeze(1)
        elif not (x.dim() == 4 and shape[1:] == (1, 28, 28)):
            raise ValueError(f"the judge takes MNIST-sized images (N, 1, 28, 28), (N, 28, 28) "
                             f"or (N, 784), not {shape}")
        return x.to(device=self.head.weight.device, dtype=self.head.weight.dtype)

    def features(self, x):
        """Penultimate-layer features (N, 64), the input of the Frechet distance."""
        return self.body(self.prepare(x))

    def forward(self, x):
        """Class logits (N, 10)."""
        return self.head(self.dropout(self.features(x)))


def load_judge(device=None, path=None):
    """The trained judge in eval mode, its parameters frozen; cached after the first load.

    device: where to put it (default :func:`gankit.get_device`). path: a weights file other
    than the shipped one (not cached). Gradients still flow to the input, so the judge can be
    used in a loss; its own weights never change.

    Raises FileNotFoundError when the weights file is missing and RuntimeError when it cannot
    be read; both messages say how to make it.
    """
    from .config import get_device

    device = torch.device(device) if device is not None else get_device()
    key = str(device)
    if path is None and key in _cache:
        return _cache[key]
    file = Path(path) if path is not None else WEIGHTS
    if not file.is_file():
        raise FileNotFoundError(f"the judge's weights are missing: {file} does not exist. "
                                f"Make them with `{TRAIN_COMMAND}` in the repository's root folder "
                                f"(a few minutes on a CPU; it needs the full MNIST: "
                                f"`python -m data_tools fetch mnist`).")
    judge = Judge()
    try:
        state = torch.load(file, map_location="cpu", weights_only=True)
        judge.load_state_dict(state)
    except Exception as e:
        raise RuntimeError(f"the judge's weights in {file} cannot be read ({type(e).__name__}: "
                           f"{' '.join(str(e).split())[:200]}). Delete the file and make it "
                           f"again with `{TRAIN_COMMAND}`.") from None
    judge.requires_grad_(False)
    judge = judge.to(device).eval()
    if path is None:
        _cache[key] = judge
    return judge
