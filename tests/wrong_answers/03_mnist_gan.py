"""Plausible wrong answers to notebook 03 and the score (of 20) each must get.

Each entry replaces one student cell of solutions/03_mnist_gan/03_mnist_gan.ipynb by ``source``;
all other cells keep the reference solution. ``score`` is the total of the test cells that
still pass (test_generator 3, test_discriminator 3, test_discriminator_loss 3,
test_generator_loss 3, test_d_step 4, test_g_step 4). A mistake in a loss also fails the
test of the step that calls it.
"""

WRONG = [
    # loss_D.backward() fills G's .grad: test_d_step (4) fails
    dict(name='missing detach in the D step', cell='d_step', score=16, source=r'''def d_step(G, D, opt_D, real, z):
    """One update of D with G fixed.

    Args:
        G, D: the two networks. opt_D: the optimizer of D's parameters.
        real: float (N, 784), a batch of real images in [-1, 1].
        z: float (M, latent_dim), noise for a batch of fakes.
    Returns:
        (loss_D, D_x, D_G_z) as Python floats: loss_D before the update, and the means of
        sigmoid(D(real)) and sigmoid(D(fake)), D's probabilities that real and fake are real.
    """
    fake = G(z)
    real_logits, fake_logits = D(real), D(fake)
    loss_D = discriminator_loss(real_logits, fake_logits)
    opt_D.zero_grad()  # the G step left gradients in D's .grad
    loss_D.backward()
    opt_D.step()
    D_x = torch.sigmoid(real_logits).mean().item()
    D_G_z = torch.sigmoid(fake_logits).mean().item()
    return loss_D.item(), D_x, D_G_z
'''),
    # test_discriminator_loss (3) and test_d_step (4), which uses it, fail
    dict(name="swapped real/fake targets in D's loss", cell='discriminator_loss', score=13, source=r'''def discriminator_loss(real_logits, fake_logits):
    """D's loss: binary cross-entropy with target 1 for real images and 0 for fakes.

    Args:
        real_logits: float (N, 1), D's logits on real images.
        fake_logits: float (M, 1), D's logits on generated images.
    Returns:
        loss_D, a 0-d float tensor that can be backpropagated:
        BCE(real_logits, 1) + BCE(fake_logits, 0), each term a mean over its batch.
        It is 2 ln 2 = 1.386 when D says 1/2 to everything, and near 0 when D is always right.
    """
    loss_real = F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
    loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return loss_real + loss_fake
'''),
    # test_generator_loss (3) and test_g_step (4), which uses it, fail
    dict(name='saturating G loss log(1 - D(G(z)))', cell='generator_loss', score=13, source=r'''def generator_loss(fake_logits):
    """G's non-saturating loss: -mean log D(G(z)), the BCE of D's logits on fakes with target 1.

    Args:
        fake_logits: float (M, 1), D's logits on generated images.
    Returns:
        loss_G, a 0-d float tensor that can be backpropagated. It is ln 2 = 0.693 when
        D(G(z)) = 1/2, large when D rejects the fakes, and near 0 when D takes them for real.
    """
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
'''),
    # test_generator_loss (3) and test_g_step (4) fail
    dict(name="G loss with target 0 (D's objective on fakes)", cell='generator_loss', score=13, source=r'''def generator_loss(fake_logits):
    """G's non-saturating loss: -mean log D(G(z)), the BCE of D's logits on fakes with target 1.

    Args:
        fake_logits: float (M, 1), D's logits on generated images.
    Returns:
        loss_G, a 0-d float tensor that can be backpropagated. It is ln 2 = 0.693 when
        D(G(z)) = 1/2, large when D rejects the fakes, and near 0 when D takes them for real.
    """
    return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
'''),
    # test_discriminator (3) fails; the step tests use mock networks
    dict(name='sigmoid at the end of D, before BCEWithLogits', cell='discriminator', score=17, source=r'''class Discriminator(nn.Module):
    """Fully connected discriminator: a flattened image in, one logit out.

    Args:
        hidden: sizes of the hidden layers, e.g. (256, 128).
        dropout: probability of ``nn.Dropout`` after each hidden layer.
    Layers, in this order, in ``self.net = nn.Sequential(...)``: for each size h in ``hidden``
    ``nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)``; then ``nn.Linear(previous, 1)``.

    forward(x): x float (N, 784), values in [-1, 1] -> logits float (N, 1), any real number
    (D's probability that x is real is torch.sigmoid(logits)).
    """

    def __init__(self, hidden=(256, 128), dropout=0.3):
        super().__init__()
        layers, previous = [], 784
        for h in hidden:
            layers += [nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)]  # (N, h)
            previous = h
        layers += [nn.Linear(previous, 1), nn.Sigmoid()]  # (N, 1): a probability
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
'''),
    # test_discriminator_loss (3) and test_d_step (4) fail
    dict(name="sigmoid before binary_cross_entropy_with_logits in D's loss", cell='discriminator_loss', score=13, source=r'''def discriminator_loss(real_logits, fake_logits):
    """D's loss: binary cross-entropy with target 1 for real images and 0 for fakes.

    Args:
        real_logits: float (N, 1), D's logits on real images.
        fake_logits: float (M, 1), D's logits on generated images.
    Returns:
        loss_D, a 0-d float tensor that can be backpropagated:
        BCE(real_logits, 1) + BCE(fake_logits, 0), each term a mean over its batch.
        It is 2 ln 2 = 1.386 when D says 1/2 to everything, and near 0 when D is always right.
    """
    real_probs, fake_probs = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    loss_real = F.binary_cross_entropy_with_logits(real_probs, torch.ones_like(real_probs))
    loss_fake = F.binary_cross_entropy_with_logits(fake_probs, torch.zeros_like(fake_probs))
    return loss_real + loss_fake
'''),
    # D changes and G does not: test_g_step (4) fails
    dict(name='G step steps opt_D', cell='g_step', score=16, source=r'''def g_step(G, D, opt_G, z):
    """One update of G with D fixed, with the non-saturating loss.

    Args:
        G, D: the two networks. opt_G: the optimizer of G's parameters.
        z: float (M, latent_dim), noise for a batch of fakes.
    Returns:
        loss_G as a Python float, computed before the update.
    """
    fake = G(z)  # no detach: loss_G has to reach G through D
    loss_G = generator_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_D.step()
    return loss_G.item()
'''),
    # D's update adds the gradients the G step left: test_d_step (4) fails
    dict(name='D step without opt_D.zero_grad()', cell='d_step', score=16, source=r'''def d_step(G, D, opt_D, real, z):
    """One update of D with G fixed.

    Args:
        G, D: the two networks. opt_D: the optimizer of D's parameters.
        real: float (N, 784), a batch of real images in [-1, 1].
        z: float (M, latent_dim), noise for a batch of fakes.
    Returns:
        (loss_D, D_x, D_G_z) as Python floats: loss_D before the update, and the means of
        sigmoid(D(real)) and sigmoid(D(fake)), D's probabilities that real and fake are real.
    """
    fake = G(z).detach()  # D's loss must not reach G
    real_logits, fake_logits = D(real), D(fake)
    loss_D = discriminator_loss(real_logits, fake_logits)
    loss_D.backward()
    opt_D.step()
    D_x = torch.sigmoid(real_logits).mean().item()
    D_G_z = torch.sigmoid(fake_logits).mean().item()
    return loss_D.item(), D_x, D_G_z
'''),
    # loss_G cannot reach G (backward raises or G does not move): test_g_step (4) fails
    dict(name='G step with detached fakes', cell='g_step', score=16, source=r'''def g_step(G, D, opt_G, z):
    """One update of G with D fixed, with the non-saturating loss.

    Args:
        G, D: the two networks. opt_G: the optimizer of G's parameters.
        z: float (M, latent_dim), noise for a batch of fakes.
    Returns:
        loss_G as a Python float, computed before the update.
    """
    fake = G(z).detach()
    loss_G = generator_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()  # only G's parameters move, although D's .grad was filled too
    return loss_G.item()
'''),
    # outputs in (0, 1) cannot match images in [-1, 1]: test_generator (3) fails
    dict(name='G with ReLU and a Sigmoid output', cell='generator', score=17, source=r'''latent_dim = 64  # length of the noise vector z


class Generator(nn.Module):
    """Fully connected generator: a noise vector in, a flattened 28x28 image out.

    Args:
        latent_dim: length of the noise vector z.
        hidden: sizes of the hidden layers, e.g. (256, 512).
    Layers, in this order, in ``self.net = nn.Sequential(...)``: for each size h in ``hidden``
    ``nn.Linear(previous, h), nn.LeakyReLU(0.2)``; then ``nn.Linear(previous, 784), nn.Tanh()``.

    forward(z): z float (N, latent_dim) -> images float (N, 784), values in (-1, 1).
    """

    def __init__(self, latent_dim=64, hidden=(256, 512)):
        super().__init__()
        layers, previous = [], latent_dim
        for h in hidden:
            layers += [nn.Linear(previous, h), nn.ReLU()]  # (N, h)
            previous = h
        layers += [nn.Linear(previous, 784), nn.Sigmoid()]  # (N, 784), in (-1, 1) like the data
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)
'''),
]
