"""Plausible wrong answers for 04_mode_collapse_and_seeds and the total score each must get (of 16).

Points: test_class_coverage 3, test_make_networks 3, test_gan_loss 2, test_gan_step 3,
test_interpolate 3, test_seed_arithmetic 2. Each wrong answer replaces one student cell; only
that exercise's test cell fails, because every test cell builds its own inputs and mock networks
(a wrong gan_step may also break the training cells, which are not graded).
"""

WRONG = [
    dict(
        name='interpolation that leaves out the end seed z2 (t = k / steps)',
        cell='interpolate',
        source=r'''def interpolate(z1, z2, steps):
    """Seeds evenly spaced on the straight line from z1 to z2, both ends included.

    Args:
        z1, z2: float tensors (latent_dim,), the two end seeds.
        steps: an int >= 2, how many seeds to return.
    Returns:
        float tensor (steps, latent_dim): row k is (1 - t_k) * z1 + t_k * z2 with
        t_k = k / (steps - 1), so row 0 is z1 and the last row is z2.
    """
    t = (torch.arange(steps, dtype=z1.dtype) / steps).unsqueeze(1)  # (steps, 1)
    return (1 - t) * z1 + t * z2  # (steps, latent_dim) by broadcasting
''',
        score=13,  # loses test_interpolate (3)
    ),
    dict(
        name='interpolation with the weights swapped: starts at z2 and ends at z1',
        cell='interpolate',
        source=r'''def interpolate(z1, z2, steps):
    """Seeds evenly spaced on the straight line from z1 to z2, both ends included.

    Args:
        z1, z2: float tensors (latent_dim,), the two end seeds.
        steps: an int >= 2, how many seeds to return.
    Returns:
        float tensor (steps, latent_dim): row k is (1 - t_k) * z1 + t_k * z2 with
        t_k = k / (steps - 1), so row 0 is z1 and the last row is z2.
    """
    t = torch.linspace(0, 1, steps, dtype=z1.dtype, device=z1.device).unsqueeze(1)  # (steps, 1), ends included
    return t * z1 + (1 - t) * z2  # (steps, latent_dim)
''',
        score=13,  # loses test_interpolate (3)
    ),
    dict(
        name='coverage with > instead of >=: a class with exactly 2% does not count',
        cell='class_coverage',
        source=r'''def class_fractions(preds, num_classes=10):
    """The share of each class among predicted labels.

    Args:
        preds: int64 tensor (N,), N >= 1, labels in 0..num_classes-1 (e.g. the judge's argmax).
        num_classes: the number of classes; a class that never occurs gets 0.
    Returns:
        float32 tensor (num_classes,): entry k is (how many labels equal k) / N, a number in
        [0, 1]; the entries sum to 1.
    """
    counts = torch.bincount(preds, minlength=num_classes)  # (num_classes,) int64
    return counts.float() / len(preds)  # shares, not counts: comparable across sample sizes


def class_coverage(preds, threshold=0.02, num_classes=10):
    """How many classes make up at least `threshold` of the predicted labels.

    Args:
        preds: int64 tensor (N,), as for class_fractions.
        threshold: the smallest share that counts, as a fraction (0.02 is 2%); a class whose share
            equals the threshold counts.
        num_classes: the number of classes.
    Returns:
        an int from 0 to num_classes.
    """
    return int((class_fractions(preds, num_classes) > threshold).sum())
''',
        score=13,  # loses test_class_coverage (3)
    ),
    dict(
        name='coverage that compares raw counts with the threshold: every class that occurs counts',
        cell='class_coverage',
        source=r'''def class_fractions(preds, num_classes=10):
    """The share of each class among predicted labels.

    Args:
        preds: int64 tensor (N,), N >= 1, labels in 0..num_classes-1 (e.g. the judge's argmax).
        num_classes: the number of classes; a class that never occurs gets 0.
    Returns:
        float32 tensor (num_classes,): entry k is (how many labels equal k) / N, a number in
        [0, 1]; the entries sum to 1.
    """
    counts = torch.bincount(preds, minlength=num_classes)  # (num_classes,) int64
    return counts.float() / len(preds)  # shares, not counts: comparable across sample sizes


def class_coverage(preds, threshold=0.02, num_classes=10):
    """How many classes make up at least `threshold` of the predicted labels.

    Args:
        preds: int64 tensor (N,), as for class_fractions.
        threshold: the smallest share that counts, as a fraction (0.02 is 2%); a class whose share
            equals the threshold counts.
        num_classes: the number of classes.
    Returns:
        an int from 0 to num_classes.
    """
    return int((torch.bincount(preds, minlength=num_classes) >= threshold).sum())
''',
        score=13,  # loses test_class_coverage (3)
    ),
    dict(
        name='LayerNorm before the activation in G',
        cell='make_networks',
        source=r'''def make_G(latent_dim, leaky=True, layer_norm=True, hidden=200):
    """The book's generator, with a switch for each fix, as an nn.Sequential.

    Layers, in this order:
        nn.Linear(latent_dim, hidden),
        nn.LeakyReLU(0.2) if leaky else nn.Sigmoid(),
        nn.LayerNorm(hidden) only if layer_norm,
        nn.Linear(hidden, 784), nn.Tanh().
    Input: seeds z, float (N, latent_dim). Output: images, float (N, 784), values in (-1, 1).
    """
    layers = [nn.Linear(latent_dim, hidden)]
    if layer_norm:
        layers.append(nn.LayerNorm(hidden))  # (N, hidden)
    layers.append(nn.LeakyReLU(0.2) if leaky else nn.Sigmoid())  # (N, hidden)
    layers += [nn.Linear(hidden, 784), nn.Tanh()]  # (N, 784) in (-1, 1), the range of the data
    return nn.Sequential(*layers)


def make_D(leaky=True, layer_norm=True, hidden=200):
    """The book's discriminator, with the same switches, as an nn.Sequential.

    Layers, in this order:
        nn.Linear(784, hidden),
        nn.LeakyReLU(0.2) if leaky else nn.Sigmoid(),
        nn.LayerNorm(hidden) only if layer_norm,
        nn.Linear(hidden, 1).
    Input: images, float (N, 784), values in [-1, 1]. Output: logits, float (N, 1), any real
    number: no sigmoid at the end, gan_loss applies it.
    """
    layers = [nn.Linear(784, hidden), nn.LeakyReLU(0.2) if leaky else nn.Sigmoid()]  # (N, hidden)
    if layer_norm:
        layers.append(nn.LayerNorm(hidden))  # (N, hidden)
    layers += [nn.Linear(hidden, 1)]  # (N, 1): a logit
    return nn.Sequential(*layers)
''',
        score=13,  # loses test_make_networks (3)
    ),
    dict(
        name='BCE through a sigmoid and F.binary_cross_entropy: wrong for confident logits',
        cell='gan_loss',
        source=r'''def gan_loss(logits, target, kind):
    """D's verdict on a batch, compared with one target by the book's first loss or its fix.

    Args:
        logits: float (N, 1), D's outputs; D's probability that an image is real is sigmoid(logits).
        target: 1.0 (the images should count as real) or 0.0 (as fake).
        kind: "mse" for the mean of (sigmoid(logits) - target)**2, or "bce" for the binary
            cross-entropy, F.binary_cross_entropy_with_logits(logits, targets).
    Returns:
        a 0-d float tensor that can be backpropagated. For logits 0 it is 0.25 ("mse") or
        ln 2 = 0.693 ("bce"), whatever the target.
    """
    targets = torch.full_like(logits, target)  # (N, 1), the same target for every image
    if kind == "mse":
        return F.mse_loss(torch.sigmoid(logits), targets)
    if kind == "bce":
        return F.binary_cross_entropy(torch.sigmoid(logits), targets)
    raise ValueError(f"kind must be 'mse' or 'bce', not {kind!r}")
''',
        score=14,  # loses test_gan_loss (2)
    ),
    dict(
        name="gan_step without detach: D's loss reaches G",
        cell='gan_step',
        source=r'''def gan_step(G, D, opt_G, opt_D, real, z, kind):
    """One update of D (G fixed), then one of G (D fixed), with the loss `kind`.

    Args:
        G, D: the two networks; opt_G, opt_D: optimizers of G's and of D's parameters.
        real: float (N, 784), real images in [-1, 1].
        z: float (M, latent_dim), the seeds of M fakes, used by both steps.
        kind: "mse" or "bce", passed on to gan_loss.
    Returns:
        (loss_D, loss_G) as Python floats, each computed before its own update:
        loss_D = gan_loss(D(real), 1.0) + gan_loss(D(fake.detach()), 0.0),
        loss_G = gan_loss(D(fake), 1.0) with D after its update.
    """
    fake = G(z)  # (M, 784)
    loss_D = gan_loss(D(real), 1.0, kind) + gan_loss(D(fake), 0.0, kind)
    opt_D.zero_grad()  # the last G step left gradients in D's .grad
    loss_D.backward()
    opt_D.step()
    loss_G = gan_loss(D(fake), 1.0, kind)  # the updated D; fake still connects to G
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()  # only G moves, although D's .grad was filled too
    return loss_D.item(), loss_G.item()
''',
        score=13,  # loses test_gan_step (3)
    ),
    dict(
        name='gan_step with the saturating G loss (minimises -BCE with target 0)',
        cell='gan_step',
        source=r'''def gan_step(G, D, opt_G, opt_D, real, z, kind):
    """One update of D (G fixed), then one of G (D fixed), with the loss `kind`.

    Args:
        G, D: the two networks; opt_G, opt_D: optimizers of G's and of D's parameters.
        real: float (N, 784), real images in [-1, 1].
        z: float (M, latent_dim), the seeds of M fakes, used by both steps.
        kind: "mse" or "bce", passed on to gan_loss.
    Returns:
        (loss_D, loss_G) as Python floats, each computed before its own update:
        loss_D = gan_loss(D(real), 1.0) + gan_loss(D(fake.detach()), 0.0),
        loss_G = gan_loss(D(fake), 1.0) with D after its update.
    """
    fake = G(z)  # (M, 784)
    loss_D = gan_loss(D(real), 1.0, kind) + gan_loss(D(fake.detach()), 0.0, kind)  # detach: D's loss must not reach G
    opt_D.zero_grad()  # the last G step left gradients in D's .grad
    loss_D.backward()
    opt_D.step()
    loss_G = -gan_loss(D(fake), 0.0, kind)
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()  # only G moves, although D's .grad was filled too
    return loss_D.item(), loss_G.item()
''',
        score=13,  # loses test_gan_step (3)
    ),
    dict(
        name='seed arithmetic in place: z1 += z2 changes the seed it was given',
        cell='seed_arithmetic',
        source=r'''def add_seeds(z1, z2):
    """The seed z1 + z2, as a new tensor; z1 and z2 stay unchanged.

    Args:
        z1, z2: float tensors of the same shape, (latent_dim,) or (N, latent_dim).
    Returns:
        a float tensor of that shape.
    """
    z1 += z2
    return z1


def subtract_seeds(z1, z2):
    """The seed z1 - z2, as a new tensor; z1 and z2 stay unchanged.

    Args:
        z1, z2: float tensors of the same shape, (latent_dim,) or (N, latent_dim).
    Returns:
        a float tensor of that shape.
    """
    return z1 - z2
''',
        score=14,  # loses test_seed_arithmetic (2)
    ),
]
