"""Plausible wrong answers to notebook 08 and the score (of 20) each must get.

Each entry changes one student cell of the reference solution (the format is in
tests/wrong_answers/__init__.py); all other cells keep the reference. ``score`` is the total of
the test cells that still pass (test_receptive_field 2, test_output_size 2, test_unet 5,
test_patch_discriminator 3, test_d_step 4, test_g_step 4). The step tests use mock networks, so a
mistake in the U-Net or in D does not cost them; no test uses receptive_field or output_size.
"""

WRONG = [
    # test_receptive_field (2) fails
    dict(name='receptive field without the strides (each layer adds k - 1 pixels)',
         cell='receptive_field', score=18, edits=[
        ("""
            field = stride * (field - 1) + kernel_size
        """,
         """
            field = field - 1 + kernel_size
        """),
    ]),
    # test_receptive_field (2) fails: the hidden [(4, 1, 1), (4, 2, 1)] and 286x286 cases
    dict(name='receptive field walked from the image forwards with the backward rule',
         cell='receptive_field', score=18, edits=[
        ("""
        for kernel_size, stride, _padding in reversed(layers):  # from the output back to the image
        """,
         """
        for kernel_size, stride, _padding in layers:
        """),
    ]),
    # test_output_size (2) fails
    dict(name='output size without the padding', cell='output_size', score=18, edits=[
        ("""
            size = (size + 2 * padding - kernel_size) // stride + 1
        """,
         """
            size = (size - kernel_size) // stride + 1
        """),
    ]),
    # test_output_size (2) fails: 70 -> 35 -> 17 (not 18)
    dict(name='output size rounded up instead of down', cell='output_size', score=18, edits=[
        ("""
            size = (size + 2 * padding - kernel_size) // stride + 1
        """,
         """
            size = -(-(size + 2 * padding - kernel_size) // stride) + 1
        """),
    ]),
    # test_unet (5) fails
    dict(name='U-Net skips added instead of concatenated', cell='unet', score=15, edits=[
        ("""
            reads = 2 * previous if skips and i > 0 else previous  # with skips: its input and the mirror's output
        """,
         """
            reads = previous
        """),
        ("""
        reads = 2 * previous if skips else previous
        """,
         """
        reads = previous
        """),
        ("""
                x = torch.cat([x, features.pop()], dim=1)  # the encoder's output of the same size
        """,
         """
                x = x + features.pop()
        """),
    ]),
    # test_unet (5) fails: the channel counts are right, but nothing crosses over
    dict(name='U-Net that never uses its skips (the skips are popped but not concatenated)',
         cell='unet', score=15, edits=[
        ("""
                x = torch.cat([x, features.pop()], dim=1)  # the encoder's output of the same size
        """,
         """
                x = torch.cat([x, torch.zeros_like(features.pop())], dim=1)
        """),
    ]),
    # test_unet (5) fails: the channels counted for the skips are off by one layer
    dict(name='U-Net whose first up block also expects a skip', cell='unet', score=15, edits=[
        ("""
            reads = 2 * previous if skips and i > 0 else previous  # with skips: its input and the mirror's output
        """,
         """
            reads = 2 * previous if skips else previous
        """),
    ]),
    # test_unet (5) fails (hidden: the block layout)
    dict(name='U-Net with batch norm in the first encoder block', cell='unet', score=15, edits=[
        ("""
            self.downs.append(down_block(previous, c, norm=0 < i < len(channels) - 1))  # (N, c, H/2^(i+1), ..)
        """,
         """
            self.downs.append(down_block(previous, c, norm=i < len(channels) - 1))
        """),
    ]),
    # test_patch_discriminator (3) fails: D reads the image only (and its first layer expects more channels)
    dict(name='D that never sees the condition', cell='patch_discriminator', score=17, edits=[
        ("""
        return self.net(torch.cat([cond, image], dim=1))  # the pair, channel by channel
        """,
         """
        return self.net(torch.cat([image, image], dim=1)[:, :self.net[0].in_channels])
        """),
    ]),
    # test_patch_discriminator (3) fails: a 6x6 grid instead of 14x14
    dict(name='D with stride 2 in every Ck layer', cell='patch_discriminator', score=17, edits=[
        ("""
            stride = 1 if i == len(channels) - 1 else 2
        """,
         """
            stride = 2
        """),
    ]),
    # test_patch_discriminator (3) fails (hidden: logits, not probabilities)
    dict(name='D ending in a sigmoid', cell='patch_discriminator', score=17, edits=[
        ("""
        layers.append(nn.Conv2d(previous, 1, 4, stride=1, padding=1))  # (N, 1, H', W'): one logit per patch
        """,
         """
        layers += [nn.Conv2d(previous, 1, 4, stride=1, padding=1), nn.Sigmoid()]
        """),
    ]),
    # test_d_step (4) fails (hidden: G's gradients)
    dict(name='missing detach in the D step', cell='d_step', score=16, edits=[
        ("""
        fake = G(cond).detach()  # D's loss must not reach G
        """,
         """
        fake = G(cond)
        """),
    ]),
    # test_d_step (4) fails
    dict(name="fakes paired with another sample's input in the D step", cell='d_step', score=16, edits=[
        ("""
        fake_logits = D(cond, fake)  # each fake with the input it was made from
        """,
         """
        fake_logits = D(cond.roll(1, dims=0), fake)
        """),
    ]),
    # test_d_step (4) fails
    dict(name='D loss not halved', cell='d_step', score=16, edits=[
        ("""
        loss_D = 0.5 * (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                        + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        """,
         """
        loss_D = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        """),
    ]),
    # test_d_step (4) fails
    dict(name='real and fake targets swapped in the D step', cell='d_step', score=16, edits=[
        ("""
        loss_D = 0.5 * (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                        + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        """,
         """
        loss_D = 0.5 * (F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
                        + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)))
        """),
    ]),
    # test_d_step (4) fails (hidden: old gradients)
    dict(name='D step without zero_grad', cell='d_step', score=16, edits=[
        ("""
        opt_D.zero_grad()
        """, ""),
    ]),
    # test_g_step (4) fails
    dict(name='L1 against the input instead of the target', cell='g_step', score=16, edits=[
        ("""
        loss_L1 = F.l1_loss(fake, real)  # against the target, not the input
        """,
         """
        loss_L1 = F.l1_loss(fake, cond)
        """),
    ]),
    # test_g_step (4) fails
    dict(name='lambda on the GAN term', cell='g_step', score=16, edits=[
        ("""
        loss_G = loss_GAN + lam * loss_L1
        """,
         """
        loss_G = lam * loss_GAN + loss_L1
        """),
    ]),
    # test_g_step (4) fails
    dict(name='saturating G loss (minimise log(1 - D))', cell='g_step', score=16, edits=[
        ("""
            loss_GAN = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """,
         """
            loss_GAN = -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        """),
    ]),
    # test_g_step (4) fails
    dict(name='squared error instead of L1', cell='g_step', score=16, edits=[
        ("""
        loss_L1 = F.l1_loss(fake, real)  # against the target, not the input
        """,
         """
        loss_L1 = F.mse_loss(fake, real)
        """),
    ]),
    # test_g_step (4) fails (hidden: L1 alone)
    dict(name='G step that needs a D (L1 alone fails)', cell='g_step', score=16, edits=[
        ("""
        if D is None:
            loss_GAN = torch.zeros((), device=fake.device)
        else:
            fake_logits = D(cond, fake)  # each fake with its own input
            loss_GAN = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """,
         """
        fake_logits = D(cond, fake)  # each fake with its own input
        loss_GAN = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        """),
    ]),
    # test_g_step (4) fails: D stays frozen
    dict(name='G step that freezes D and leaves it frozen', cell='g_step', score=16, edits=[
        ("""
        fake = G(cond)  # no detach: loss_G reaches G through D and directly
        """,
         """
        if D is not None:
            D.requires_grad_(False)
        fake = G(cond)
        """),
    ]),
]
