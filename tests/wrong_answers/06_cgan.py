"""Plausible wrong answers to notebook 06 and the score (of 20) each must get.

Each entry replaces one student cell of solutions/06_cgan/06_cgan.ipynb by ``source``; all other
cells keep the reference solution. ``score`` is the total of the test cells that still pass
(test_one_hot 2, test_join_condition 2, test_generator 3, test_discriminator 3, test_d_step 4,
test_g_step 4, test_per_digit_accuracy 2). The step tests use mock networks, so a mistake in G or
D does not cost the step tests; join_condition is used by G and D, so its mistakes cost theirs too.
"""

WRONG = [
    # test_one_hot (2) fails
    dict(name='one-hot off by one (the 1 for label k in column k - 1)', cell='one_hot', score=18, source=r'''num_classes = 10  # the digits 0..9


def one_hot(labels, num_classes=10):
    """Labels as one-hot vectors.

    Args:
        labels: int64 tensor (N,), values in 0..num_classes-1.
        num_classes: the length of each vector.
    Returns:
        float32 tensor (N, num_classes): row i is all 0 except a 1.0 at column labels[i].
    Raises:
        ValueError if a label is below 0 or above num_classes - 1.
    """
    if bool((labels < 0).any()) or bool((labels >= num_classes).any()):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, but they range from "
                         f"{labels.min().item()} to {labels.max().item()}")
    y = torch.zeros(len(labels), num_classes)  # float32, like the images it is joined to
    y[torch.arange(len(labels)), labels - 1] = 1.0  # row i: a 1 in column labels[i]
    return y
'''),
    # test_one_hot (2) fails
    dict(name='one-hot of dtype int64 (F.one_hot without .float())', cell='one_hot', score=18, source=r'''num_classes = 10  # the digits 0..9


def one_hot(labels, num_classes=10):
    """Labels as one-hot vectors.

    Args:
        labels: int64 tensor (N,), values in 0..num_classes-1.
        num_classes: the length of each vector.
    Returns:
        float32 tensor (N, num_classes): row i is all 0 except a 1.0 at column labels[i].
    Raises:
        ValueError if a label is below 0 or above num_classes - 1.
    """
    if bool((labels < 0).any()) or bool((labels >= num_classes).any()):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}")
    return F.one_hot(labels, num_classes)
'''),
    # test_one_hot (2) fails
    dict(name='one-hot without the range check (F.one_hot raises RuntimeError, -1 is not caught)', cell='one_hot', score=18, source=r'''num_classes = 10  # the digits 0..9


def one_hot(labels, num_classes=10):
    """Labels as one-hot vectors.

    Args:
        labels: int64 tensor (N,), values in 0..num_classes-1.
        num_classes: the length of each vector.
    Returns:
        float32 tensor (N, num_classes): row i is all 0 except a 1.0 at column labels[i].
    Raises:
        ValueError if a label is below 0 or above num_classes - 1.
    """
    return F.one_hot(labels, num_classes).float()
'''),
    # test_join_condition (2), and test_generator (3) and test_discriminator (3), which use it, fail
    dict(name='labels concatenated on the wrong dimension (dim=0)', cell='join_condition', score=12, source=r'''def join_condition(features, y):
    """The network input: each sample's features, flattened, followed by its condition.

    Args:
        features: float tensor (N, ...), e.g. noise z (N, latent_dim) or images (N, 784) or (N, 1, 28, 28).
        y: float tensor (N, num_classes), one-hot conditions, row i for sample i.
    Returns:
        float tensor (N, F + num_classes), where F is the number of values per sample in features:
        row i is features[i] flattened, then y[i].
    """
    return torch.cat([features.reshape(len(features), -1), y], dim=0)  # (N, F + num_classes)
'''),
    # test_generator (3) fails
    dict(name='G ignoring the label (first layer reads z only)', cell='generator', score=17, source=r'''class ConditionalGenerator(nn.Module):
    """Fully connected conditional generator: noise and a one-hot label in, a flattened 28x28 image out.

    Args:
        latent_dim: length of the noise vector z.
        num_classes: length of the one-hot condition y.
        hidden: sizes of the hidden layers, e.g. (256, 512).
    Layers, in this order, in ``self.net = nn.Sequential(...)``: for each size h in ``hidden``
    ``nn.Linear(previous, h), nn.LeakyReLU(0.2)``, starting from previous = latent_dim + num_classes;
    then ``nn.Linear(previous, 784), nn.Tanh()``.

    forward(z, y): z float (N, latent_dim), y float (N, num_classes) one-hot
    -> images float (N, 784), values in (-1, 1).
    """

    def __init__(self, latent_dim=64, num_classes=10, hidden=(256, 512)):
        super().__init__()
        layers, previous = [], latent_dim  # z and y side by side
        for h in hidden:
            layers += [nn.Linear(previous, h), nn.LeakyReLU(0.2)]  # (N, h)
            previous = h
        layers += [nn.Linear(previous, 784), nn.Tanh()]  # (N, 784), in (-1, 1) like the data
        self.net = nn.Sequential(*layers)

    def forward(self, z, y):
        return self.net(z)  # (N, latent_dim + num_classes) -> (N, 784)
'''),
    # test_discriminator (3) fails
    dict(name='D ignoring the label (no join, no projection)', cell='discriminator', score=17, source=r'''class ConditionalDiscriminator(nn.Module):
    """Fully connected conditional discriminator: an image and a one-hot label in, one logit out.

    Args:
        num_classes: length of the one-hot condition y.
        hidden: sizes of the hidden layers, e.g. (256, 128).
        dropout: probability of ``nn.Dropout`` after each hidden layer.
    Layers:
        ``self.net = nn.Sequential(...)``: for each size h in ``hidden``
        ``nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)``, starting from
        previous = 784 + num_classes (the image and y joined);
        ``self.out = nn.Linear(hidden[-1], 1)``;
        ``self.embed = nn.Linear(num_classes, hidden[-1], bias=False)``, one direction per class.

    forward(x, y): x float (N, 784) or (N, 1, 28, 28) in [-1, 1], y float (N, num_classes) one-hot
    -> logits float (N, 1), any real number: self.out(h) + the row-wise dot product of
    self.embed(y) and h, where h = self.net(the image and y joined), (N, hidden[-1]).
    """

    def __init__(self, num_classes=10, hidden=(256, 128), dropout=0.3):
        super().__init__()
        layers, previous = [], 784  # the image and y side by side
        for h in hidden:
            layers += [nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)]  # (N, h)
            previous = h
        self.net = nn.Sequential(*layers)
        self.out = nn.Linear(previous, 1)  # (N, 1): a logit, the loss applies the sigmoid
        self.embed = nn.Linear(num_classes, previous, bias=False)  # E y: one direction per class

    def forward(self, x, y):
        h = self.net(x.reshape(len(x), -1))  # (N, hidden[-1])
        projection = (self.embed(y) * h).sum(dim=1, keepdim=True)  # (N, 1): (E y) . h, row by row
        return self.out(h)  # (N, 1)
'''),
    # test_discriminator (3) fails
    dict(name='D without the projection term (the input join only)', cell='discriminator', score=17, source=r'''class ConditionalDiscriminator(nn.Module):
    """Fully connected conditional discriminator: an image and a one-hot label in, one logit out.

    Args:
        num_classes: length of the one-hot condition y.
        hidden: sizes of the hidden layers, e.g. (256, 128).
        dropout: probability of ``nn.Dropout`` after each hidden layer.
    Layers:
        ``self.net = nn.Sequential(...)``: for each size h in ``hidden``
        ``nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)``, starting from
        previous = 784 + num_classes (the image and y joined);
        ``self.out = nn.Linear(hidden[-1], 1)``;
        ``self.embed = nn.Linear(num_classes, hidden[-1], bias=False)``, one direction per class.

    forward(x, y): x float (N, 784) or (N, 1, 28, 28) in [-1, 1], y float (N, num_classes) one-hot
    -> logits float (N, 1), any real number: self.out(h) + the row-wise dot product of
    self.embed(y) and h, where h = self.net(the image and y joined), (N, hidden[-1]).
    """

    def __init__(self, num_classes=10, hidden=(256, 128), dropout=0.3):
        super().__init__()
        layers, previous = [], 784 + num_classes  # the image and y side by side
        for h in hidden:
            layers += [nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)]  # (N, h)
            previous = h
        self.net = nn.Sequential(*layers)
        self.out = nn.Linear(previous, 1)  # (N, 1): a logit, the loss applies the sigmoid

    def forward(self, x, y):
        h = self.net(join_condition(x, y))  # (N, hidden[-1])
        return self.out(h)  # (N, 1)
'''),
    # test_discriminator (3) fails
    dict(name='D with a sigmoid at the end', cell='discriminator', score=17, source=r'''class ConditionalDiscriminator(nn.Module):
    """Fully connected conditional discriminator: an image and a one-hot label in, one logit out.

    Args:
        num_classes: length of the one-hot condition y.
        hidden: sizes of the hidden layers, e.g. (256, 128).
        dropout: probability of ``nn.Dropout`` after each hidden layer.
    Layers:
        ``self.net = nn.Sequential(...)``: for each size h in ``hidden``
        ``nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)``, starting from
        previous = 784 + num_classes (the image and y joined);
        ``self.out = nn.Linear(hidden[-1], 1)``;
        ``self.embed = nn.Linear(num_classes, hidden[-1], bias=False)``, one direction per class.

    forward(x, y): x float (N, 784) or (N, 1, 28, 28) in [-1, 1], y float (N, num_classes) one-hot
    -> logits float (N, 1), any real number: self.out(h) + the row-wise dot product of
    self.embed(y) and h, where h = self.net(the image and y joined), (N, hidden[-1]).
    """

    def __init__(self, num_classes=10, hidden=(256, 128), dropout=0.3):
        super().__init__()
        layers, previous = [], 784 + num_classes  # the image and y side by side
        for h in hidden:
            layers += [nn.Linear(previous, h), nn.LeakyReLU(0.2), nn.Dropout(dropout)]  # (N, h)
            previous = h
        self.net = nn.Sequential(*layers)
        self.out = nn.Linear(previous, 1)  # (N, 1): a logit, the loss applies the sigmoid
        self.embed = nn.Linear(num_classes, previous, bias=False)  # E y: one direction per class

    def forward(self, x, y):
        h = self.net(join_condition(x, y))  # (N, hidden[-1])
        projection = (self.embed(y) * h).sum(dim=1, keepdim=True)  # (N, 1): (E y) . h, row by row
        return torch.sigmoid(self.out(h) + projection)
'''),
    # test_d_step (4) fails
    dict(name="fakes judged with the real batch's labels in the D step", cell='d_step', score=16, source=r'''def d_step(G, D, opt_D, real, y_real, z, y_fake):
    """One update of D with G fixed, each image judged with its own label.

    Args:
        G, D: the conditional networks, called as G(z, y) and D(x, y). opt_D: the optimizer of D's parameters.
        real: float (N, 784), real images in [-1, 1]; y_real: float (N, num_classes), their one-hot labels.
        z: float (M, latent_dim), noise for the fakes; y_fake: float (M, num_classes), the one-hot
            labels to make the fakes for.
    Returns:
        (loss_D, D_x, D_G_z) as Python floats: loss_D before the update, and the means of
        sigmoid(D(real, y_real)) and sigmoid(D(fake, y_fake)).
    """
    fake = G(z, y_fake).detach()  # D's loss must not reach G
    real_logits = D(real, y_real)  # (N, 1): each real image with its own label
    fake_logits = D(fake, y_real)  # (M, 1): each fake with the label it was made for
    loss_D = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_D.zero_grad()  # the G step left gradients in D's .grad
    loss_D.backward()
    opt_D.step()
    D_x = torch.sigmoid(real_logits).mean().item()
    D_G_z = torch.sigmoid(fake_logits).mean().item()
    return loss_D.item(), D_x, D_G_z
'''),
    # test_d_step (4) fails
    dict(name='fakes judged with shuffled labels in the D step', cell='d_step', score=16, source=r'''def d_step(G, D, opt_D, real, y_real, z, y_fake):
    """One update of D with G fixed, each image judged with its own label.

    Args:
        G, D: the conditional networks, called as G(z, y) and D(x, y). opt_D: the optimizer of D's parameters.
        real: float (N, 784), real images in [-1, 1]; y_real: float (N, num_classes), their one-hot labels.
        z: float (M, latent_dim), noise for the fakes; y_fake: float (M, num_classes), the one-hot
            labels to make the fakes for.
    Returns:
        (loss_D, D_x, D_G_z) as Python floats: loss_D before the update, and the means of
        sigmoid(D(real, y_real)) and sigmoid(D(fake, y_fake)).
    """
    fake = G(z, y_fake).detach()  # D's loss must not reach G
    real_logits = D(real, y_real)  # (N, 1): each real image with its own label
    fake_logits = D(fake, y_fake[torch.randperm(len(y_fake))])  # (M, 1): each fake with the label it was made for
    loss_D = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_D.zero_grad()  # the G step left gradients in D's .grad
    loss_D.backward()
    opt_D.step()
    D_x = torch.sigmoid(real_logits).mean().item()
    D_G_z = torch.sigmoid(fake_logits).mean().item()
    return loss_D.item(), D_x, D_G_z
'''),
    # test_d_step (4) fails
    dict(name='missing detach in the D step', cell='d_step', score=16, source=r'''def d_step(G, D, opt_D, real, y_real, z, y_fake):
    """One update of D with G fixed, each image judged with its own label.

    Args:
        G, D: the conditional networks, called as G(z, y) and D(x, y). opt_D: the optimizer of D's parameters.
        real: float (N, 784), real images in [-1, 1]; y_real: float (N, num_classes), their one-hot labels.
        z: float (M, latent_dim), noise for the fakes; y_fake: float (M, num_classes), the one-hot
            labels to make the fakes for.
    Returns:
        (loss_D, D_x, D_G_z) as Python floats: loss_D before the update, and the means of
        sigmoid(D(real, y_real)) and sigmoid(D(fake, y_fake)).
    """
    fake = G(z, y_fake)  # D's loss must not reach G
    real_logits = D(real, y_real)  # (N, 1): each real image with its own label
    fake_logits = D(fake, y_fake)  # (M, 1): each fake with the label it was made for
    loss_D = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_D.zero_grad()  # the G step left gradients in D's .grad
    loss_D.backward()
    opt_D.step()
    D_x = torch.sigmoid(real_logits).mean().item()
    D_G_z = torch.sigmoid(fake_logits).mean().item()
    return loss_D.item(), D_x, D_G_z
'''),
    # test_d_step (4) fails
    dict(name='no zero_grad in the D step', cell='d_step', score=16, source=r'''def d_step(G, D, opt_D, real, y_real, z, y_fake):
    """One update of D with G fixed, each image judged with its own label.

    Args:
        G, D: the conditional networks, called as G(z, y) and D(x, y). opt_D: the optimizer of D's parameters.
        real: float (N, 784), real images in [-1, 1]; y_real: float (N, num_classes), their one-hot labels.
        z: float (M, latent_dim), noise for the fakes; y_fake: float (M, num_classes), the one-hot
            labels to make the fakes for.
    Returns:
        (loss_D, D_x, D_G_z) as Python floats: loss_D before the update, and the means of
        sigmoid(D(real, y_real)) and sigmoid(D(fake, y_fake)).
    """
    fake = G(z, y_fake).detach()  # D's loss must not reach G
    real_logits = D(real, y_real)  # (N, 1): each real image with its own label
    fake_logits = D(fake, y_fake)  # (M, 1): each fake with the label it was made for
    loss_D = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    loss_D.backward()
    opt_D.step()
    D_x = torch.sigmoid(real_logits).mean().item()
    D_G_z = torch.sigmoid(fake_logits).mean().item()
    return loss_D.item(), D_x, D_G_z
'''),
    # test_g_step (4) fails
    dict(name='fakes judged with shuffled labels in the G step', cell='g_step', score=16, source=r'''def g_step(G, D, opt_G, z, y):
    """One update of G with D fixed, with the non-saturating loss; each fake judged with its own label.

    Args:
        G, D: the conditional networks. opt_G: the optimizer of G's parameters.
        z: float (M, latent_dim), noise; y: float (M, num_classes), the one-hot labels to make the fakes for.
    Returns:
        loss_G as a Python float, computed before the update: BCE(D(G(z, y), y), 1).
    """
    fake = G(z, y)  # no detach: loss_G has to reach G through D
    fake_logits = D(fake, y[torch.randperm(len(y))])  # each fake with the label it was made for
    loss_G = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()  # only G's parameters move, although D's .grad was filled too
    return loss_G.item()
'''),
    # test_g_step (4) fails
    dict(name='detached fakes in the G step (G never changes)', cell='g_step', score=16, source=r'''def g_step(G, D, opt_G, z, y):
    """One update of G with D fixed, with the non-saturating loss; each fake judged with its own label.

    Args:
        G, D: the conditional networks. opt_G: the optimizer of G's parameters.
        z: float (M, latent_dim), noise; y: float (M, num_classes), the one-hot labels to make the fakes for.
    Returns:
        loss_G as a Python float, computed before the update: BCE(D(G(z, y), y), 1).
    """
    fake = G(z, y).detach()  # no detach: loss_G has to reach G through D
    fake_logits = D(fake, y)  # each fake with the label it was made for
    loss_G = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()  # only G's parameters move, although D's .grad was filled too
    return loss_G.item()
'''),
    # test_g_step (4) fails
    dict(name='saturating G loss log(1 - D(G(z, y), y))', cell='g_step', score=16, source=r'''def g_step(G, D, opt_G, z, y):
    """One update of G with D fixed, with the non-saturating loss; each fake judged with its own label.

    Args:
        G, D: the conditional networks. opt_G: the optimizer of G's parameters.
        z: float (M, latent_dim), noise; y: float (M, num_classes), the one-hot labels to make the fakes for.
    Returns:
        loss_G as a Python float, computed before the update: BCE(D(G(z, y), y), 1).
    """
    fake = G(z, y)  # no detach: loss_G has to reach G through D
    fake_logits = D(fake, y)  # each fake with the label it was made for
    loss_G = -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()  # only G's parameters move, although D's .grad was filled too
    return loss_G.item()
'''),
    # test_per_digit_accuracy (2) fails
    dict(name='per-digit accuracy divided by all samples', cell='per_digit_accuracy', score=18, source=r'''def per_digit_accuracy(logits, labels, num_classes=10):
    """For each class, the share of the samples made for it that the judge puts in it.

    Args:
        logits: float (N, num_classes), the judge's logits for N samples.
        labels: int64 (N,), the class each sample was made for (asked of G).
    Returns:
        float32 tensor (num_classes,): entry d is (samples made for d that the judge calls d) /
        (samples made for d), a number in [0, 1]; NaN for a class with no samples.
    """
    preds = logits.argmax(dim=1)  # the judge's reading of each sample, (N,)
    accuracy = torch.full((num_classes,), float("nan"))
    for d in range(num_classes):
        asked = labels == d  # the samples made for d
        if bool(asked.any()):
            accuracy[d] = (preds[asked] == d).float().sum() / len(labels)
    return accuracy
'''),
    # test_per_digit_accuracy (2) fails
    dict(name='per-digit accuracy 0 (not NaN) for a digit without samples', cell='per_digit_accuracy', score=18, source=r'''def per_digit_accuracy(logits, labels, num_classes=10):
    """For each class, the share of the samples made for it that the judge puts in it.

    Args:
        logits: float (N, num_classes), the judge's logits for N samples.
        labels: int64 (N,), the class each sample was made for (asked of G).
    Returns:
        float32 tensor (num_classes,): entry d is (samples made for d that the judge calls d) /
        (samples made for d), a number in [0, 1]; NaN for a class with no samples.
    """
    preds = logits.argmax(dim=1)  # the judge's reading of each sample, (N,)
    accuracy = torch.zeros(num_classes)
    for d in range(num_classes):
        asked = labels == d  # the samples made for d
        if bool(asked.any()):
            accuracy[d] = (preds[asked] == d).float().mean()
    return accuracy
'''),
]
