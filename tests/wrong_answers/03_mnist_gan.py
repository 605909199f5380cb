"""Plausible wrong answers to notebook 03 and the score (of 20) each must get.

Each entry changes one student cell of the reference solution (the format is in
tests/wrong_answers/__init__.py); all other cells keep the reference. ``score`` is the total of
the test cells that still pass (test_generator 3, test_discriminator 3, test_discriminator_loss 3,
test_generator_loss 3, test_d_step 4, test_g_step 4). A mistake in a loss also fails the
test of the step that calls it.
"""

WRONG = [
    # loss_D.backward() fills G's .grad: test_d_step (4) fails
    dict(name='missing detach in the D step', cell='d_step', score=16, edits=[
        ("""
        fake = G(z).detach()  # D's loss must not reach G
        """,
         """
        fake = G(z)
        """),
    ]),
    # test_discriminator_loss (3) fails in its visible part, and test_d_step (4), which uses it, fails
    dict(name="swapped real/fake targets in D's loss", cell='discriminator_loss', score=13, edits=[
        ("""
        loss_real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
        loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """,
         """
        loss_real = F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
        loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """),
    ]),
    # test_generator_loss (3) and test_g_step (4), which uses it, fail
    dict(name='saturating G loss log(1 - D(G(z)))', cell='generator_loss', score=13, edits=[
        ("""
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """,
         """
        return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """),
    ]),
    # test_generator_loss (3) and test_g_step (4) fail
    dict(name="G loss with target 0 (D's objective on fakes)",
         cell='generator_loss', score=13, edits=[
        ("""
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """,
         """
        return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """),
    ]),
    # D's loss ignores its target: real and fake both get target 1, so the loss does not depend on which
    # images are real. test_discriminator_loss (3) and test_d_step (4) fail
    dict(name="D's loss ignores its target: BCE(real, 1) + BCE(fake, 1)", cell='discriminator_loss', score=13, edits=[
        ("""
        loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """,
         """
        loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """),
    ]),
    # only the hidden check on the meta device fails: test_discriminator_loss (3); test_d_step runs on the CPU
    dict(name="D's loss makes its targets on the CPU (fails on a GPU)", cell='discriminator_loss', score=17, edits=[
        ("""
        loss_real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
        loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """,
         """
        loss_real = F.binary_cross_entropy_with_logits(real_logits, torch.ones(real_logits.shape))
        loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(fake_logits.shape))
        """),
    ]),
    # test_generator_loss (3) fails on the meta device; test_g_step runs on the CPU
    dict(name="G's loss makes its target on the CPU (fails on a GPU)", cell='generator_loss', score=17, edits=[
        ("""
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """,
         """
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones(len(fake_logits), 1))
        """),
    ]),
    # test_generator_loss (3) and test_g_step (4) fail
    dict(name="sigmoid before binary_cross_entropy_with_logits in G's loss", cell='generator_loss', score=13, edits=[
        ("""
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """,
         """
        fake_probs = torch.sigmoid(fake_logits)
        return F.binary_cross_entropy_with_logits(fake_probs, torch.ones_like(fake_probs))
        """),
    ]),
    # test_discriminator (3) fails; the step tests use mock networks
    dict(name='sigmoid at the end of D, before BCEWithLogits',
         cell='discriminator', score=17, edits=[
        ("""
        layers += [nn.Linear(previous, 1)]  # (N, 1): a logit, the loss applies the sigmoid
        """,
         """
        layers += [nn.Linear(previous, 1), nn.Sigmoid()]  # (N, 1): a probability
        """),
    ]),
    # test_discriminator_loss (3) and test_d_step (4) fail
    dict(name="sigmoid before binary_cross_entropy_with_logits in D's loss",
         cell='discriminator_loss', score=13, edits=[
        ("""
        loss_real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
        loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """,
         """
        real_probs, fake_probs = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
        loss_real = F.binary_cross_entropy_with_logits(real_probs, torch.ones_like(real_probs))
        loss_fake = F.binary_cross_entropy_with_logits(fake_probs, torch.zeros_like(fake_probs))
        """),
    ]),
    # the loss and G's update are right, but D is left frozen: test_g_step (4) fails in its visible part
    dict(name='G step freezes D and never unfreezes it', cell='g_step', score=16, edits=[
        ("""
        fake = G(z)  # no detach: loss_G has to reach G through D
        """,
         """
        D.requires_grad_(False)  # D is fixed during the G step (and never unfrozen)
        fake = G(z)
        """),
    ]),
    # G gets no gradient from D's loss, but stays frozen for its own step: test_d_step (4) fails
    dict(name='D step freezes G instead of detaching, and never unfreezes it', cell='d_step', score=16, edits=[
        ("""
        fake = G(z).detach()  # D's loss must not reach G
        """,
         """
        G.requires_grad_(False)  # D's loss must not reach G
        fake = G(z)
        """),
    ]),
    # D changes and G does not: test_g_step (4) fails
    dict(name='G step steps opt_D', cell='g_step', score=16, edits=[
        ("""
        opt_G.step()  # only G's parameters move, although D's .grad was filled too
        """,
         """
        opt_D.step()
        """),
    ]),
    # D's update adds the gradients the G step left: test_d_step (4) fails
    dict(name='D step without opt_D.zero_grad()', cell='d_step', score=16, edits=[
        ("""
        opt_D.zero_grad()  # the G step left gradients in D's .grad
        """,
         ""),
    ]),
    # loss_G cannot reach G (backward raises or G does not move): test_g_step (4) fails
    dict(name='G step with detached fakes', cell='g_step', score=16, edits=[
        ("""
        fake = G(z)  # no detach: loss_G has to reach G through D
        """,
         """
        fake = G(z).detach()
        """),
    ]),
    # outputs in (0, 1) cannot match images in [-1, 1]: test_generator (3) fails
    dict(name='G with ReLU and a Sigmoid output', cell='generator', score=17, edits=[
        ("""
        layers += [nn.Linear(previous, h), nn.LeakyReLU(0.2)]  # (N, h)
        """,
         """
        layers += [nn.Linear(previous, h), nn.ReLU()]  # (N, h)
        """),
        ("""
        layers += [nn.Linear(previous, 784), nn.Tanh()]  # (N, 784), in (-1, 1) like the data
        """,
         """
        layers += [nn.Linear(previous, 784), nn.Sigmoid()]  # (N, 784), in (-1, 1) like the data
        """),
    ]),
]
