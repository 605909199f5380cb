"""Plausible wrong answers for 04_mode_collapse_and_seeds and the total score each must get (of 16).

Points: test_class_coverage 3, test_make_networks 3, test_gan_loss 2, test_gan_step 3,
test_interpolate 3, test_seed_arithmetic 2. Each wrong answer replaces one student cell; only
that exercise's test cell fails, because every test cell builds its own inputs and mock networks,
except for gan_loss: gan_step calls it, so a gan_loss that gives wrong values on the mock
networks costs test_gan_step too (a wrong gan_step may also break the training cells, which are
not graded).
"""

WRONG = [
    dict(name='interpolation that leaves out the end seed z2 (t = k / steps)',
         cell='interpolate', score=13, edits=[
        ("""
        t = torch.linspace(0, 1, steps, dtype=z1.dtype, device=z1.device).unsqueeze(1)  # (steps, 1), ends included
        """,
         """
        t = (torch.arange(steps, dtype=z1.dtype) / steps).unsqueeze(1)  # (steps, 1)
        """),
    ]),
    dict(name='interpolation with the weights swapped: starts at z2 and ends at z1',
         cell='interpolate', score=13, edits=[
        ("""
        return (1 - t) * z1 + t * z2  # (steps, latent_dim) by broadcasting
        """,
         """
        return t * z1 + (1 - t) * z2  # (steps, latent_dim)
        """),
    ]),
    dict(name='coverage with > instead of >=: a class with exactly 2% does not count',
         cell='class_coverage', score=13, edits=[
        ("""
        return int((class_fractions(preds, num_classes) >= threshold).sum())
        """,
         """
        return int((class_fractions(preds, num_classes) > threshold).sum())
        """),
    ]),
    dict(name='coverage that compares raw counts with the threshold: every class that occurs counts',
         cell='class_coverage', score=13, edits=[
        ("""
        return int((class_fractions(preds, num_classes) >= threshold).sum())
        """,
         """
        return int((torch.bincount(preds, minlength=num_classes) >= threshold).sum())
        """),
    ]),
    dict(name='LayerNorm before the activation in G', cell='make_networks', score=13, edits=[
        ("""
        layers = [nn.Linear(latent_dim, hidden), nn.LeakyReLU(0.2) if leaky else nn.Sigmoid()]  # (N, hidden)
        """,
         """
        layers = [nn.Linear(latent_dim, hidden)]
        """),
        ("""
            layers.append(nn.LayerNorm(hidden))  # (N, hidden): mean 0, variance 1 per sample
        """,
         """
            layers.append(nn.LayerNorm(hidden))  # (N, hidden)
        layers.append(nn.LeakyReLU(0.2) if leaky else nn.Sigmoid())  # (N, hidden)
        """),
    ]),
    dict(name='BCE through a sigmoid and F.binary_cross_entropy: wrong for confident logits',
         cell='gan_loss', score=14, edits=[
        ("""
        return F.binary_cross_entropy_with_logits(logits, targets)
        """,
         """
        return F.binary_cross_entropy(torch.sigmoid(logits), targets)
        """),
    ]),
    dict(name="gan_step without detach: D's loss reaches G", cell='gan_step', score=13, edits=[
        ("""
        loss_D = gan_loss(D(real), 1.0, kind) + gan_loss(D(fake.detach()), 0.0, kind)  # detach: D's loss must not reach G
        """,
         """
        loss_D = gan_loss(D(real), 1.0, kind) + gan_loss(D(fake), 0.0, kind)
        """),
    ]),
    dict(name='gan_step with the saturating G loss (minimises -BCE with target 0)',
         cell='gan_step', score=13, edits=[
        ("""
        loss_G = gan_loss(D(fake), 1.0, kind)  # the updated D; fake still connects to G
        """,
         """
        loss_G = -gan_loss(D(fake), 0.0, kind)
        """),
    ]),
    dict(name='gan_loss ignores its target (always compares with 1)', cell='gan_loss', score=11, edits=[
        ("""
        targets = torch.full_like(logits, target)  # (N, 1), the same target for every image
        """,
         """
        targets = torch.ones_like(logits)  # (N, 1), the same target for every image
        """),
    ]),
    dict(name='gan_loss with the targets swapped (compares with 1 - target)', cell='gan_loss', score=11, edits=[
        ("""
        targets = torch.full_like(logits, target)  # (N, 1), the same target for every image
        """,
         """
        targets = torch.full_like(logits, 1 - target)  # (N, 1), the same target for every image
        """),
    ]),
    dict(name='gan_loss makes its targets on the CPU (torch.full without device=): fails on a GPU',
         cell='gan_loss', score=14, edits=[
        ("""
        targets = torch.full_like(logits, target)  # (N, 1), the same target for every image
        """,
         """
        targets = torch.full(tuple(logits.shape), target)  # (N, 1), the same target for every image
        """),
    ]),
    dict(name='G step freezes D and never unfreezes it', cell='gan_step', score=13, edits=[
        ("""
        loss_G = gan_loss(D(fake), 1.0, kind)  # the updated D; fake still connects to G
        """,
         """
        D.requires_grad_(False)  # D is fixed in the G step
        loss_G = gan_loss(D(fake), 1.0, kind)  # the updated D; fake still connects to G
        """),
    ]),
    dict(name='interpolation weights made on the CPU (linspace without device=): fails on a GPU',
         cell='interpolate', score=13, edits=[
        ("""
        t = torch.linspace(0, 1, steps, dtype=z1.dtype, device=z1.device).unsqueeze(1)  # (steps, 1), ends included
        """,
         """
        t = torch.linspace(0, 1, steps).unsqueeze(1)  # (steps, 1), ends included
        """),
    ]),
    dict(name='class_fractions counted into a tensor made on the CPU (torch.zeros without device=)',
         cell='class_coverage', score=13, edits=[
        ("""
        counts = torch.bincount(preds, minlength=num_classes)  # (num_classes,) int64
        return counts.float() / len(preds)  # shares, not counts: comparable across sample sizes
        """,
         """
        fractions = torch.zeros(num_classes)
        for k in range(num_classes):
            fractions[k] = (preds == k).float().mean()
        return fractions
        """),
    ]),
    dict(name='seed arithmetic in place: z1 += z2 changes the seed it was given',
         cell='seed_arithmetic', score=14, edits=[
        ("""
        return z1 + z2
        """,
         """
        z1 += z2
        return z1
        """),
    ]),
]
