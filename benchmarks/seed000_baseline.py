"""The MLP GAN of seed 000, trained for a wall-clock budget: the baseline notebook 03 must beat.

Seed 000 (a blog post's PyTorch GAN on MNIST) is reproduced as written there:

- Generator: z (100) -> 256 -> 512 -> 1024 -> 784, each Linear followed by
  ``BatchNorm1d(out, 0.8)`` (except the first) and ``LeakyReLU(0.2)``, then Tanh; images (N, 1, 28, 28).
  The 0.8 is passed as BatchNorm's ``eps`` (the post meant momentum); kept as written.
- Discriminator: 784 -> 1024 -> 512 -> 256 -> 1, LeakyReLU(0.2) and Dropout(0.3) after each
  hidden layer, Sigmoid at the end.
- ``nn.BCELoss``, Adam with lr 2e-4 and default betas (0.9, 0.999) for both, batch 64,
  shuffled, last partial batch dropped, z from ``np.random.normal``.
- Each batch: the G step first (target "valid"), then the D step on the same fakes, detached,
  with ``d_loss = real_loss + fake_loss``.

Two things differ, both on purpose: it trains for ``seconds`` of wall-clock time instead of 200
epochs, and batches are cut from the MNIST tensor in memory (the notebook does the same) instead
of going through torchvision's per-image transforms and a DataLoader, so the comparison is about
the models and the optimizer, not the input pipeline. The data is the same: real MNIST training
images scaled into [-1, 1] (``transforms.Normalize(0.5, 0.5)`` in the post).

    python -m benchmarks.seed000_baseline --seconds 60      # prints the judge's report
"""
import argparse
import time

import numpy as np
import torch
from torch import nn

LATENT_DIM = 100
IMAGE_SHAPE = (1, 28, 28)
BATCH_SIZE = 64
LEARNING_RATE = 0.0002


class Generator(nn.Module):
    def __init__(self, latent_dim=LATENT_DIM):
        super().__init__()

        def block(in_feat, out_feat, normalize=True):
            layers = [nn.Linear(in_feat, out_feat)]
            if normalize:
                layers.append(nn.BatchNorm1d(out_feat, 0.8))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(
            *block(latent_dim, 256, normalize=False),
            *block(256, 512),
            *block(512, 1024),
            nn.Linear(1024, int(np.prod(IMAGE_SHAPE))),
            nn.Tanh(),
        )

    def forward(self, z):
        img = self.model(z)
        return img.view(img.size(0), *IMAGE_SHAPE)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(int(np.prod(IMAGE_SHAPE)), 1024),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Dropout(0.3),
            nn.Linear(1024, 512),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Dropout(0.3),
            nn.Linear(512, 256),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Dropout(0.3),
            nn.Linear(256, 1),
            nn.Sigmoid(),
        )

    def forward(self, img):
        return self.model(img.view(img.size(0), -1))


def mnist_minus1_1(limit=None):
    """Real MNIST training images in [-1, 1], float32 (N, 1, 28, 28), through data_tools.

    The post's ``transforms.Normalize(0.5, 0.5)`` on [0, 1] pixels is the same map as the course's.
    """
    from gankit import mnist_tensors

    return mnist_tensors("train", limit=limit)[0]


def train_baseline(seconds, images=None, n_samples=2000, seed=0, sample_seed=1, device="cpu",
                   log=print):
    """Train seed 000's GAN for ``seconds`` of wall-clock time.

    images: real images in [-1, 1], (N, 1, 28, 28) or (N, 784); default all of MNIST's training set.
    Returns a dict: ``samples`` (n_samples, 1, 28, 28) in [-1, 1] from a fixed z (seeded with
    ``sample_seed``) in training mode as in the post, ``samples_eval`` the same with G in eval
    mode (BatchNorm's running statistics), ``seconds`` (training time), ``steps``, ``epochs``,
    ``loss_D`` and ``loss_G`` (means over the last 100 steps).
    """
    torch.manual_seed(seed)
    np.random.seed(seed)
    device = torch.device(device)
    if images is None:
        images = mnist_minus1_1()
    images = images.reshape(len(images), *IMAGE_SHAPE)

    adversarial_loss = nn.BCELoss()
    generator = Generator().to(device)
    discriminator = Discriminator().to(device)
    optimizer_G = torch.optim.Adam(generator.parameters(), lr=LEARNING_RATE)
    optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=LEARNING_RATE)

    steps_per_epoch = len(images) // BATCH_SIZE
    losses, steps = [], 0
    start = time.perf_counter()
    done = False
    while not done:
        order = torch.randperm(len(images))
        for i in range(steps_per_epoch):
            imgs = images[order[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]]
            valid = torch.ones(imgs.size(0), 1, device=device)
            fake = torch.zeros(imgs.size(0), 1, device=device)
            real_imgs = imgs.to(device)

            # Train Generator
            optimizer_G.zero_grad()
            z = torch.tensor(np.random.normal(0, 1, (imgs.shape[0], LATENT_DIM)), dtype=torch.float32,
                             device=device)
            gen_imgs = generator(z)
            g_loss = adversarial_loss(discriminator(gen_imgs), valid)
            g_loss.backward()
            optimizer_G.step()

            # Train Discriminator
            optimizer_D.zero_grad()
            real_loss = adversarial_loss(discriminator(real_imgs), valid)
            fake_loss = adversarial_loss(discriminator(gen_imgs.detach()), fake)
            d_loss = real_loss + fake_loss
            d_loss.backward()
            optimizer_D.step()

            losses.append((d_loss.item(), g_loss.item()))
            steps += 1
            if time.perf_counter() - start >= seconds:
                done = True
                break
    train_seconds = time.perf_counter() - start
    if log:
        log(f"seed 000 baseline: {steps} steps ({steps / steps_per_epoch:.2f} epochs) in {train_seconds:.0f} s")

    # The post never calls generator.eval(): its samples use BatchNorm's batch statistics. Both
    # modes are returned, and the benchmark counts the better one for the baseline.
    z = torch.randn(n_samples, LATENT_DIM, generator=torch.Generator().manual_seed(sample_seed))
    with torch.no_grad():
        samples = generator(z.to(device)).cpu()
        generator.eval()
        samples_eval = generator(z.to(device)).cpu()
    last = np.array(losses[-100:])
    return {
        "samples": samples,
        "samples_eval": samples_eval,
        "seconds": train_seconds,
        "steps": steps,
        "epochs": steps / steps_per_epoch,
        "loss_D": float(last[:, 0].mean()),
        "loss_G": float(last[:, 1].mean()),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="wall-clock training budget")
    parser.add_argument("--samples", type=int, default=2000, help="samples for the judge")
    parser.add_argument("--limit", type=int, default=None, help="use only the first LIMIT training images")
    args = parser.parse_args(argv)

    from gankit.metrics import judge_report, show_report

    result = train_baseline(args.seconds, images=mnist_minus1_1(args.limit), n_samples=args.samples)
    show_report(judge_report(result["samples"]), title="seed 000 baseline, judge report")


if __name__ == "__main__":
    main()
