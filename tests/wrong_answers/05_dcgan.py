"""Plausible wrong answers to notebook 05 and the score (of 20) each must get.

Each entry changes one student cell of the reference solution (the format is in
tests/wrong_answers/__init__.py); all other cells keep the reference. ``score`` is the total of
the test cells that still pass
(test_conv_transpose_output_size 2, test_insert_zeros 2, test_conv_transpose_by_hand 4,
test_generator 4, test_discriminator 3, test_init 2, test_lsgan_losses 3). A wrong insert_zeros
also fails the test of conv_transpose_by_hand, which calls it.
"""

WRONG = [
    # test_conv_transpose_output_size (2) fails
    dict(name='off by one in the output size (kernel_size - 1)',
         cell='conv_transpose_output_size', score=18, edits=[
        ("""
        return (size - 1) * stride - 2 * padding + kernel_size + output_padding
        """,
         """
        return (size - 1) * stride - 2 * padding + kernel_size - 1 + output_padding
        """),
    ]),
    # test_conv_transpose_output_size (2) fails
    dict(name='output size of an ordinary convolution instead of the transposed one',
         cell='conv_transpose_output_size', score=18, edits=[
        ("""
        return (size - 1) * stride - 2 * padding + kernel_size + output_padding
        """,
         """
        return (size + 2 * padding - kernel_size) // stride + 1
        """),
    ]),
    # only the hidden part of test_conv_transpose_output_size (2) fails
    dict(name='output size that ignores output_padding',
         cell='conv_transpose_output_size', score=18, edits=[
        ("""
        return (size - 1) * stride - 2 * padding + kernel_size + output_padding
        """,
         """
        return (size - 1) * stride - 2 * padding + kernel_size
        """),
    ]),
    # test_insert_zeros (2) and test_conv_transpose_by_hand (4), which uses it, fail
    dict(name='stride zeros inserted instead of stride - 1', cell='insert_zeros', score=14, edits=[
        ("""
        out = x.new_zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1)
        out[:, :, ::stride, ::stride] = x  # the input pixels land stride apart, zeros in between
        """,
         """
        out = x.new_zeros(n, c, h * (stride + 1), w * (stride + 1))
        out[:, :, ::stride + 1, ::stride + 1] = x  # stride zeros after every pixel
        """),
    ]),
    # test_insert_zeros (2) and test_conv_transpose_by_hand (4) fail (their hidden device checks)
    dict(name='insert_zeros makes its result on the CPU (torch.zeros without device or dtype)',
         cell='insert_zeros', score=14, edits=[
        ("""
        out = x.new_zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1)
        """,
         """
        out = torch.zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1)
        """),
    ]),
    # only the hidden dtype check of test_insert_zeros (2) fails
    dict(name="insert_zeros on the input's device but always float32",
         cell='insert_zeros', score=18, edits=[
        ("""
        out = x.new_zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1)
        """,
         """
        out = torch.zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1, device=x.device)
        """),
    ]),
    # the hidden device check of test_conv_transpose_by_hand (4) fails
    dict(name='transposed convolution padded by hand into a tensor made on the CPU',
         cell='conv_transpose_by_hand', score=16, edits=[
        ("""
        spread = F.pad(spread, (edge, edge, edge, edge))
        """,
         """
        n, c, h, w = spread.shape
        padded = torch.zeros(n, c, h + 2 * edge, w + 2 * edge)
        padded[:, :, edge:edge + h, edge:edge + w] = spread
        spread = padded
        """),
    ]),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name='transposed convolution padded with k - 1 instead of k - 1 - padding',
         cell='conv_transpose_by_hand', score=16, edits=[
        ("""
        edge = k - 1 - padding  # a k-wide window must see each border pixel k - 1 - padding times
        """,
         """
        edge = k - 1  # a k-wide window must see each border pixel k - 1 - padding times
        """),
    ]),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name='transposed convolution without the zeros between pixels',
         cell='conv_transpose_by_hand', score=16, edits=[
        ("""
        spread = insert_zeros(x, stride)  # (N, C_in, (H - 1) * stride + 1, (W - 1) * stride + 1)
        """,
         """
        spread = x  # (N, C_in, (H - 1) * stride + 1, (W - 1) * stride + 1)
        """),
    ]),
    # test_conv_transpose_by_hand (4) fails (its visible part)
    dict(name='kernel not rotated by 180 degrees', cell='conv_transpose_by_hand', score=16, edits=[
        ("""
        kernel = weight.transpose(0, 1).flip(2, 3)  # (C_out, C_in, k, k), rotated by 180 degrees
        """,
         """
        kernel = weight.transpose(0, 1)  # (C_out, C_in, k, k), rotated by 180 degrees
        """),
    ]),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name='channel dimensions of the kernel not swapped',
         cell='conv_transpose_by_hand', score=16, edits=[
        ("""
        kernel = weight.transpose(0, 1).flip(2, 3)  # (C_out, C_in, k, k), rotated by 180 degrees
        """,
         """
        kernel = weight.flip(2, 3)  # (C_out, C_in, k, k), rotated by 180 degrees
        """),
    ]),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name="PyTorch's transposed convolution instead of one by hand",
         cell='conv_transpose_by_hand', score=16, edits=[
        ("""
        \"\"\"
        """,
         """
        \"\"\"
        return F.conv_transpose2d(x, weight, bias, stride=stride, padding=padding)
        """),
    ]),
    # test_generator (4) fails (the hidden part)
    dict(name='LeakyReLU instead of ReLU in G', cell='generator', score=16, edits=[
        ("""
        nn.BatchNorm2d(channels), nn.ReLU(),  # (N, C, 7, 7) ... and reshape, in forward
        """,
         """
        nn.BatchNorm2d(channels), nn.LeakyReLU(0.2),  # (N, C, 7, 7) ... and reshape, in forward
        """),
        ("""
        nn.BatchNorm2d(channels // 2), nn.ReLU(),
        """,
         """
        nn.BatchNorm2d(channels // 2), nn.LeakyReLU(0.2),
        """),
    ]),
    # test_generator (4) fails
    dict(name='no batch norm in G', cell='generator', score=16, edits=[
        ("""
        nn.BatchNorm2d(channels), nn.ReLU(),  # (N, C, 7, 7) ... and reshape, in forward
        """,
         """
        nn.ReLU(),  # (N, C, 7, 7) ... and reshape, in forward
        """),
        ("""
        nn.BatchNorm2d(channels // 2), nn.ReLU(),
        """,
         """
        nn.ReLU(),
        """),
    ]),
    # test_generator (4) fails: G's images are 34x34
    dict(name='transposed convolutions in G with padding 0', cell='generator', score=16, edits=[
        ("""
        nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=1, bias=False),  # (N, C/2, 14, 14)
        """,
         """
        nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=0, bias=False),  # (N, C/2, 14, 14)
        """),
        ("""
        nn.ConvTranspose2d(channels // 2, 1, 4, stride=2, padding=1),  # (N, 1, 28, 28)
        """,
         """
        nn.ConvTranspose2d(channels // 2, 1, 4, stride=2, padding=0),  # (N, 1, 28, 28)
        """),
    ]),
    # test_discriminator (3) fails
    dict(name='max pooling instead of strided convolutions in D',
         cell='discriminator', score=17, edits=[
        ("""
        nn.Conv2d(1, channels // 2, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (N, C/2, 14, 14)
        nn.Conv2d(channels // 2, channels, 4, stride=2, padding=1, bias=False),  # (N, C, 7, 7)
        nn.BatchNorm2d(channels), nn.LeakyReLU(0.2),
        """,
         """
        nn.Conv2d(1, channels // 2, 3, padding=1), nn.LeakyReLU(0.2), nn.MaxPool2d(2),  # (N, C/2, 14, 14)
        nn.Conv2d(channels // 2, channels, 3, padding=1, bias=False),  # (N, C, 14, 14)
        nn.BatchNorm2d(channels), nn.LeakyReLU(0.2), nn.MaxPool2d(2),  # (N, C, 7, 7)
        """),
    ]),
    # test_discriminator (3) fails
    dict(name='no batch norm in D', cell='discriminator', score=17, edits=[
        ("""
        nn.Conv2d(channels // 2, channels, 4, stride=2, padding=1, bias=False),  # (N, C, 7, 7)
        nn.BatchNorm2d(channels), nn.LeakyReLU(0.2),
        """,
         """
        nn.Conv2d(channels // 2, channels, 4, stride=2, padding=1),  # (N, C, 7, 7)
        nn.LeakyReLU(0.2),
        """),
    ]),
    # test_discriminator (3) fails
    dict(name="batch norm on D's input layer too", cell='discriminator', score=17, edits=[
        ("""
        nn.Conv2d(1, channels // 2, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (N, C/2, 14, 14)
        """,
         """
        nn.Conv2d(1, channels // 2, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(channels // 2),
        nn.LeakyReLU(0.2),  # (N, C/2, 14, 14)
        """),
    ]),
    # test_discriminator (3) fails (the hidden part)
    dict(name='sigmoid at the end of D', cell='discriminator', score=17, edits=[
        ("""
        nn.Linear(channels * 7 * 7, 1),  # (N, 1): a logit
        """,
         """
        nn.Linear(channels * 7 * 7, 1), nn.Sigmoid(),  # (N, 1): a probability
        """),
    ]),
    # test_init (2) fails
    dict(name='batch-norm weights from N(0, 0.02) instead of N(1, 0.02)',
         cell='dcgan_init', score=18, edits=[
        ("""
        nn.init.normal_(module.weight, 1.0, 0.02)  # a scale: around 1, not 0
        """,
         """
        nn.init.normal_(module.weight, 0.0, 0.02)
        """),
    ]),
    # test_init (2) fails (the hidden part)
    dict(name='initialisation of Conv2d only (transposed convolutions and linear layers left out)',
         cell='dcgan_init', score=18, edits=[
        ("""
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        """,
         """
        if type(module) is nn.Conv2d:
        """),
    ]),
    # test_init (2) fails
    dict(name='0.02 used as the variance (std sqrt(0.02) = 0.14)',
         cell='dcgan_init', score=18, edits=[
        ("""
        nn.init.normal_(module.weight, 0.0, 0.02)
        """,
         """
        nn.init.normal_(module.weight, 0.0, math.sqrt(0.02))
        """),
    ]),
    # the hidden device check of test_init (2) fails
    dict(name='dcgan_init replaces the weights by new tensors made on the CPU',
         cell='dcgan_init', score=18, edits=[
        ("""
        nn.init.normal_(module.weight, 0.0, 0.02)
        """,
         """
        module.weight = nn.Parameter(torch.randn(module.weight.shape) * 0.02)
        """),
    ]),
    # test_lsgan_losses (3) fails (its hidden device check)
    dict(name='LSGAN targets made with torch.ones on the CPU', cell='lsgan_losses', score=17, edits=[
        ("""
        return 0.5 * (real_out - 1).pow(2).mean() + 0.5 * fake_out.pow(2).mean()
        """,
         """
        real_target, fake_target = torch.ones(real_out.shape), torch.zeros(fake_out.shape)
        return 0.5 * (real_out - real_target).pow(2).mean() + 0.5 * (fake_out - fake_target).pow(2).mean()
        """),
    ]),
    # test_lsgan_losses (3) fails (the hidden part)
    dict(name="LSGAN targets swapped in D's loss", cell='lsgan_losses', score=17, edits=[
        ("""
        return 0.5 * (real_out - 1).pow(2).mean() + 0.5 * fake_out.pow(2).mean()
        """,
         """
        return 0.5 * real_out.pow(2).mean() + 0.5 * (fake_out - 1).pow(2).mean()
        """),
    ]),
    # test_lsgan_losses (3) fails
    dict(name='LSGAN losses without the factors 1/2', cell='lsgan_losses', score=17, edits=[
        ("""
        return 0.5 * (fake_out - 1).pow(2).mean()
        """,
         """
        return (fake_out - 1).pow(2).mean()
        """),
    ]),
    # test_lsgan_losses (3) fails
    dict(name='LSGAN G loss with target 0', cell='lsgan_losses', score=17, edits=[
        ("""
        return 0.5 * (fake_out - 1).pow(2).mean()
        """,
         """
        return 0.5 * fake_out.pow(2).mean()
        """),
    ]),
]
