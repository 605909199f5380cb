"""MNIST as the GAN notebooks use it, once notebook 03 has shown how it is prepared.

Scaling into [-1, 1] matches a generator that ends in Tanh.
"""
import data_tools


def scale_images(images):
    """uint8 images with values 0-255 as float32 in [-1, 1], same shape and device."""
    return images.float().div(255).mul(2).sub(1)


def mnist_tensors(split="train", limit=None, flat=False):
    """Real MNIST scaled into [-1, 1].

    Returns (images, labels): images float32 (N, 1, 28, 28), or (N, 784) with ``flat=True``;
    labels int64 (N,). ``limit`` keeps the first ``limit`` examples (fast mode uses a few hundred).
    """
    images, labels = data_tools.load_mnist(split, limit=limit)
    x = scale_images(images).unsqueeze(1)
    return (x.view(len(x), -1) if flat else x), labels
