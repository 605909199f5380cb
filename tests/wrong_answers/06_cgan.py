"""Plausible wrong answers to notebook 06 and the score (of 20) each must get.

Each entry changes one student cell of the reference solution (the format is in
tests/wrong_answers/__init__.py); all other cells keep the reference. ``score`` is the total of
the test cells that still pass (test_one_hot 2, test_join_condition 2, test_generator 3, test_discriminator 3, test_d_step 4,
test_g_step 4, test_per_digit_accuracy 2). The step tests use mock networks, so a mistake in G or
D does not cost the step tests; join_condition is used by G and D, so its mistakes cost theirs too.
"""

WRONG = [
    # test_one_hot (2) fails
    dict(name='one-hot off by one (the 1 for label k in column k - 1)',
         cell='one_hot', score=18, edits=[
        ("""
        y[torch.arange(len(labels), device=labels.device), labels] = 1.0  # row i: a 1 in column labels[i]
        """,
         """
        y[torch.arange(len(labels), device=labels.device), labels - 1] = 1.0  # row i: a 1 in column labels[i]
        """),
    ]),
    # test_one_hot (2) fails
    dict(name='one-hot of dtype int64 (F.one_hot without .float())',
         cell='one_hot', score=18, edits=[
        ("""
            raise ValueError(f"labels must lie in 0..{num_classes - 1}, but they range from "
                             f"{labels.min().item()} to {labels.max().item()}")
        y = torch.zeros(len(labels), num_classes, device=labels.device)  # float32, like the images it is joined to
        y[torch.arange(len(labels), device=labels.device), labels] = 1.0  # row i: a 1 in column labels[i]
        return y
        """,
         """
            raise ValueError(f"labels must lie in 0..{num_classes - 1}")
        return F.one_hot(labels, num_classes)
        """),
    ]),
    # test_one_hot (2) fails
    dict(name='one-hot without the range check (F.one_hot raises RuntimeError, -1 is not caught)',
         cell='one_hot', score=18, edits=[
        ("""
        if bool((labels < 0).any()) or bool((labels >= num_classes).any()):
            raise ValueError(f"labels must lie in 0..{num_classes - 1}, but they range from "
                             f"{labels.min().item()} to {labels.max().item()}")
        y = torch.zeros(len(labels), num_classes, device=labels.device)  # float32, like the images it is joined to
        y[torch.arange(len(labels), device=labels.device), labels] = 1.0  # row i: a 1 in column labels[i]
        return y
        """,
         """
        return F.one_hot(labels, num_classes).float()
        """),
    ]),
    # test_one_hot (2) fails
    dict(name='one-hot made on the CPU (torch.zeros without device=): the digit chooser fails on a GPU',
         cell='one_hot', score=18, edits=[
        ("""
        y = torch.zeros(len(labels), num_classes, device=labels.device)  # float32, like the images it is joined to
        y[torch.arange(len(labels), device=labels.device), labels] = 1.0  # row i: a 1 in column labels[i]
        """,
         """
        y = torch.zeros(len(labels), num_classes)  # float32, like the images it is joined to
        y[torch.arange(len(labels)), labels] = 1.0  # row i: a 1 in column labels[i]
        """),
    ]),
    # test_join_condition (2), and test_generator (3) and test_discriminator (3), which use it, fail
    dict(name='labels concatenated on the wrong dimension (dim=0)',
         cell='join_condition', score=12, edits=[
        ("""
        return torch.cat([features.reshape(len(features), -1), y], dim=1)  # (N, F + num_classes)
        """,
         """
        return torch.cat([features.reshape(len(features), -1), y], dim=0)  # (N, F + num_classes)
        """),
    ]),
    # test_generator (3) fails
    dict(name='G ignoring the label (first layer reads z only)', cell='generator', score=17, edits=[
        ("""
        layers, previous = [], latent_dim + num_classes  # z and y side by side
        """,
         """
        layers, previous = [], latent_dim  # z and y side by side
        """),
        ("""
        return self.net(join_condition(z, y))  # (N, latent_dim + num_classes) -> (N, 784)
        """,
         """
        return self.net(z)  # (N, latent_dim + num_classes) -> (N, 784)
        """),
    ]),
    # test_discriminator (3) fails
    dict(name='D ignoring the label (no join, no projection)',
         cell='discriminator', score=17, edits=[
        ("""
        layers, previous = [], 784 + num_classes  # the image and y side by side
        """,
         """
        layers, previous = [], 784  # the image and y side by side
        """),
        ("""
        h = self.net(join_condition(x, y))  # (N, hidden[-1])
        """,
         """
        h = self.net(x.reshape(len(x), -1))  # (N, hidden[-1])
        """),
        ("""
        return self.out(h) + projection  # (N, 1)
        """,
         """
        return self.out(h)  # (N, 1)
        """),
    ]),
    # test_discriminator (3) fails
    dict(name='D without the projection term (the input join only)',
         cell='discriminator', score=17, edits=[
        ("""
        self.embed = nn.Linear(num_classes, previous, bias=False)  # E y: one direction per class
        """,
         ""),
        ("""
        projection = (self.embed(y) * h).sum(dim=1, keepdim=True)  # (N, 1): (E y) . h, row by row
        return self.out(h) + projection  # (N, 1)
        """,
         """
        return self.out(h)  # (N, 1)
        """),
    ]),
    # test_discriminator (3) fails
    dict(name='D with a sigmoid at the end', cell='discriminator', score=17, edits=[
        ("""
        return self.out(h) + projection  # (N, 1)
        """,
         """
        return torch.sigmoid(self.out(h) + projection)
        """),
    ]),
    # test_d_step (4) fails
    dict(name="fakes judged with the real batch's labels in the D step",
         cell='d_step', score=16, edits=[
        ("""
        fake_logits = D(fake, y_fake)  # (M, 1): each fake with the label it was made for
        """,
         """
        fake_logits = D(fake, y_real)  # (M, 1): each fake with the label it was made for
        """),
    ]),
    # test_d_step (4) fails
    dict(name='fakes made with y_real and judged with y_real in the D step (y_fake ignored)',
         cell='d_step', score=16, edits=[
        ("""
        fake = G(z, y_fake).detach()  # D's loss must not reach G
        """,
         """
        fake = G(z, y_real).detach()  # D's loss must not reach G
        """),
        ("""
        fake_logits = D(fake, y_fake)  # (M, 1): each fake with the label it was made for
        """,
         """
        fake_logits = D(fake, y_real)  # (M, 1): each fake with the label it was made for
        """),
    ]),
    # test_d_step (4) fails
    dict(name='fakes made with y_real and judged with y_fake in the D step',
         cell='d_step', score=16, edits=[
        ("""
        fake = G(z, y_fake).detach()  # D's loss must not reach G
        """,
         """
        fake = G(z, y_real).detach()  # D's loss must not reach G
        """),
    ]),
    # test_d_step (4) fails
    dict(name='D step targets made on the CPU (torch.ones without device=): fails on a GPU',
         cell='d_step', score=16, edits=[
        ("""
        loss_D = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        """,
         """
        loss_D = (F.binary_cross_entropy_with_logits(real_logits, torch.ones(len(real_logits), 1))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(len(fake_logits), 1)))
        """),
    ]),
    # test_d_step (4) fails
    dict(name='fakes judged with shuffled labels in the D step', cell='d_step', score=16, edits=[
        ("""
        fake_logits = D(fake, y_fake)  # (M, 1): each fake with the label it was made for
        """,
         """
        fake_logits = D(fake, y_fake[torch.randperm(len(y_fake))])  # (M, 1): each fake with the label it was made for
        """),
    ]),
    # test_d_step (4) fails
    dict(name='missing detach in the D step', cell='d_step', score=16, edits=[
        ("""
        fake = G(z, y_fake).detach()  # D's loss must not reach G
        """,
         """
        fake = G(z, y_fake)  # D's loss must not reach G
        """),
    ]),
    # test_d_step (4) fails
    dict(name='no zero_grad in the D step', cell='d_step', score=16, edits=[
        ("""
        opt_D.zero_grad()  # the G step left gradients in D's .grad
        """,
         ""),
    ]),
    # test_g_step (4) fails
    dict(name='fakes judged with shuffled labels in the G step', cell='g_step', score=16, edits=[
        ("""
        fake_logits = D(fake, y)  # each fake with the label it was made for
        """,
         """
        fake_logits = D(fake, y[torch.randperm(len(y))])  # each fake with the label it was made for
        """),
    ]),
    # test_g_step (4) fails
    dict(name='G step freezes D and never unfreezes it', cell='g_step', score=16, edits=[
        ("""
        fake_logits = D(fake, y)  # each fake with the label it was made for
        """,
         """
        D.requires_grad_(False)  # D is fixed in the G step
        fake_logits = D(fake, y)  # each fake with the label it was made for
        """),
    ]),
    # test_g_step (4) fails
    dict(name='detached fakes in the G step (G never changes)', cell='g_step', score=16, edits=[
        ("""
        fake = G(z, y)  # no detach: loss_G has to reach G through D
        """,
         """
        fake = G(z, y).detach()  # no detach: loss_G has to reach G through D
        """),
    ]),
    # test_g_step (4) fails
    dict(name='saturating G loss log(1 - D(G(z, y), y))', cell='g_step', score=16, edits=[
        ("""
        loss_G = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """,
         """
        loss_G = -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """),
    ]),
    # test_per_digit_accuracy (2) fails
    dict(name='per-digit accuracy divided by all samples',
         cell='per_digit_accuracy', score=18, edits=[
        ("""
        accuracy[d] = (preds[asked] == d).float().mean()
        """,
         """
        accuracy[d] = (preds[asked] == d).float().sum() / len(labels)
        """),
    ]),
    # test_per_digit_accuracy (2) fails
    dict(name='per-digit accuracy 0 (not NaN) for a digit without samples',
         cell='per_digit_accuracy', score=18, edits=[
        ("""
        accuracy = torch.full((num_classes,), float("nan"), device=logits.device)
        """,
         """
        accuracy = torch.zeros(num_classes, device=logits.device)
        """),
    ]),
    # test_per_digit_accuracy (2) fails
    dict(name='per-digit accuracy made on the CPU (torch.full without device=)',
         cell='per_digit_accuracy', score=18, edits=[
        ("""
        accuracy = torch.full((num_classes,), float("nan"), device=logits.device)
        """,
         """
        accuracy = torch.full((num_classes,), float("nan"))
        """),
    ]),
]
