"""MNIST as the GAN notebooks use it, once notebook 03 has shown how it is prepared.

Scaling into [-1, 1] matches a generator that ends in Tanh.
"""
import torch
from torch.utils.data import DataLoader, TensorDataset

import data_tools


def mnist_tensors(split="train", limit=None, flat=False):
    """Real MNIST scaled into [-1, 1].

    Returns (images, labels): images float32 (N, 1, 28, 28), or (N, 784) with ``flat=True``;
    labels int64 (N,). ``limit`` keeps the first ``limit`` examples (fast mode uses a few hundred).
    """
    images, labels = data_tools.load_mnist(split, limit=limit)
    x = images.float().div(255).mul(2).sub(1).unsqueeze(1)
    return (x.view(len(x), -1) if flat else x), labels


def mnist_loader(batch_size=64, limit=None, flat=False, with_labels=False, seed=0):
    """A shuffling DataLoader over ``mnist_tensors("train", limit, flat)``.

    Batches are images only, or (images, labels) with ``with_labels=True``. The shuffle order
    comes from its own generator seeded with ``seed``, so runs are reproducible.
    """
    x, y = mnist_tensors("train", limit=limit, flat=flat)
    dataset = TensorDataset(x, y) if with_labels else TensorDataset(x)
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, drop_last=True, generator=generator)
    if with_labels:
        return loader
    return _FirstItem(loader)


class _FirstItem:
    """Iterates a DataLoader over a one-tensor dataset and yields the tensor, not a 1-tuple."""

    def __init__(self, loader):
        self.loader = loader

    def __iter__(self):
        return (batch[0] for batch in self.loader)

    def __len__(self):
        return len(self.loader)
