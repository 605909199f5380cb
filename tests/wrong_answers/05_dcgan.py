"""Plausible wrong answers to notebook 05 and the score (of 20) each must get.

Each entry replaces one student cell of solutions/05_dcgan/05_dcgan.ipynb by ``source``; all
other cells keep the reference solution. ``score`` is the total of the test cells that still pass
(test_conv_transpose_output_size 2, test_insert_zeros 2, test_conv_transpose_by_hand 4,
test_generator 4, test_discriminator 3, test_init 2, test_lsgan_losses 3). A wrong insert_zeros
also fails the test of conv_transpose_by_hand, which calls it.
"""

WRONG = [
    # test_conv_transpose_output_size (2) fails
    dict(name='off by one in the output size (kernel_size - 1)', cell='conv_transpose_output_size', score=18, source=r'''def conv_transpose_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    """Height (or width) of the output of a transposed convolution, as nn.ConvTranspose2d computes it.

    Args:
        size: int >= 1, the input's height (or width).
        kernel_size, stride, padding, output_padding: ints, as for nn.ConvTranspose2d
            (stride >= 1, output_padding < stride).
    Returns:
        an int: (size - 1) * stride - 2 * padding + kernel_size + output_padding.
    """
    return (size - 1) * stride - 2 * padding + kernel_size - 1 + output_padding
'''),
    # test_conv_transpose_output_size (2) fails
    dict(name='output size of an ordinary convolution instead of the transposed one', cell='conv_transpose_output_size', score=18, source=r'''def conv_transpose_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    """Height (or width) of the output of a transposed convolution, as nn.ConvTranspose2d computes it.

    Args:
        size: int >= 1, the input's height (or width).
        kernel_size, stride, padding, output_padding: ints, as for nn.ConvTranspose2d
            (stride >= 1, output_padding < stride).
    Returns:
        an int: (size - 1) * stride - 2 * padding + kernel_size + output_padding.
    """
    return (size + 2 * padding - kernel_size) // stride + 1
'''),
    # only the hidden part of test_conv_transpose_output_size (2) fails
    dict(name='output size that ignores output_padding', cell='conv_transpose_output_size', score=18, source=r'''def conv_transpose_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    """Height (or width) of the output of a transposed convolution, as nn.ConvTranspose2d computes it.

    Args:
        size: int >= 1, the input's height (or width).
        kernel_size, stride, padding, output_padding: ints, as for nn.ConvTranspose2d
            (stride >= 1, output_padding < stride).
    Returns:
        an int: (size - 1) * stride - 2 * padding + kernel_size + output_padding.
    """
    return (size - 1) * stride - 2 * padding + kernel_size
'''),
    # test_insert_zeros (2) and test_conv_transpose_by_hand (4), which uses it, fail
    dict(name='stride zeros inserted instead of stride - 1', cell='insert_zeros', score=14, source=r'''def insert_zeros(x, stride):
    """Put stride - 1 zeros between neighbouring pixels of every row and every column.

    Args:
        x: float tensor (N, C, H, W).
        stride: int >= 1.
    Returns:
        float tensor (N, C, (H - 1) * stride + 1, (W - 1) * stride + 1), zero everywhere except
        out[:, :, a * stride, b * stride] = x[:, :, a, b]. For stride 1 it equals x.
    """
    n, c, h, w = x.shape
    out = x.new_zeros(n, c, h * (stride + 1), w * (stride + 1))
    out[:, :, ::stride + 1, ::stride + 1] = x  # stride zeros after every pixel
    return out
'''),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name='transposed convolution padded with k - 1 instead of k - 1 - padding', cell='conv_transpose_by_hand', score=16, source=r'''def conv_transpose_by_hand(x, weight, bias=None, stride=1, padding=0):
    """What nn.ConvTranspose2d computes, from zero insertion, zero padding and F.conv2d.

    Args:
        x: float tensor (N, C_in, H, W).
        weight: float tensor (C_in, C_out, k, k), laid out like nn.ConvTranspose2d(C_in, C_out, k).weight.
        bias: None or a float tensor (C_out,).
        stride: int >= 1; padding: int with 0 <= padding <= k - 1.
    Returns:
        float tensor (N, C_out, (H - 1) * stride - 2 * padding + k, (W - 1) * stride - 2 * padding + k),
        equal (to float tolerance) to F.conv_transpose2d(x, weight, bias, stride, padding).
    Steps: insert_zeros(x, stride); pad k - 1 - padding zeros on every side; F.conv2d with the
    kernel rotated by 180 degrees and its two channel dimensions swapped, stride 1.
    """
    k = weight.shape[-1]
    spread = insert_zeros(x, stride)  # (N, C_in, (H - 1) * stride + 1, (W - 1) * stride + 1)
    edge = k - 1  # a k-wide window must see each border pixel k - 1 - padding times
    spread = F.pad(spread, (edge, edge, edge, edge))
    kernel = weight.transpose(0, 1).flip(2, 3)  # (C_out, C_in, k, k), rotated by 180 degrees
    return F.conv2d(spread, kernel, bias)  # stride 1, no more padding
'''),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name='transposed convolution without the zeros between pixels', cell='conv_transpose_by_hand', score=16, source=r'''def conv_transpose_by_hand(x, weight, bias=None, stride=1, padding=0):
    """What nn.ConvTranspose2d computes, from zero insertion, zero padding and F.conv2d.

    Args:
        x: float tensor (N, C_in, H, W).
        weight: float tensor (C_in, C_out, k, k), laid out like nn.ConvTranspose2d(C_in, C_out, k).weight.
        bias: None or a float tensor (C_out,).
        stride: int >= 1; padding: int with 0 <= padding <= k - 1.
    Returns:
        float tensor (N, C_out, (H - 1) * stride - 2 * padding + k, (W - 1) * stride - 2 * padding + k),
        equal (to float tolerance) to F.conv_transpose2d(x, weight, bias, stride, padding).
    Steps: insert_zeros(x, stride); pad k - 1 - padding zeros on every side; F.conv2d with the
    kernel rotated by 180 degrees and its two channel dimensions swapped, stride 1.
    """
    k = weight.shape[-1]
    spread = x  # (N, C_in, (H - 1) * stride + 1, (W - 1) * stride + 1)
    edge = k - 1 - padding  # a k-wide window must see each border pixel k - 1 - padding times
    spread = F.pad(spread, (edge, edge, edge, edge))
    kernel = weight.transpose(0, 1).flip(2, 3)  # (C_out, C_in, k, k), rotated by 180 degrees
    return F.conv2d(spread, kernel, bias)  # stride 1, no more padding
'''),
    # test_conv_transpose_by_hand (4) fails (its visible part)
    dict(name='kernel not rotated by 180 degrees', cell='conv_transpose_by_hand', score=16, source=r'''def conv_transpose_by_hand(x, weight, bias=None, stride=1, padding=0):
    """What nn.ConvTranspose2d computes, from zero insertion, zero padding and F.conv2d.

    Args:
        x: float tensor (N, C_in, H, W).
        weight: float tensor (C_in, C_out, k, k), laid out like nn.ConvTranspose2d(C_in, C_out, k).weight.
        bias: None or a float tensor (C_out,).
        stride: int >= 1; padding: int with 0 <= padding <= k - 1.
    Returns:
        float tensor (N, C_out, (H - 1) * stride - 2 * padding + k, (W - 1) * stride - 2 * padding + k),
        equal (to float tolerance) to F.conv_transpose2d(x, weight, bias, stride, padding).
    Steps: insert_zeros(x, stride); pad k - 1 - padding zeros on every side; F.conv2d with the
    kernel rotated by 180 degrees and its two channel dimensions swapped, stride 1.
    """
    k = weight.shape[-1]
    spread = insert_zeros(x, stride)  # (N, C_in, (H - 1) * stride + 1, (W - 1) * stride + 1)
    edge = k - 1 - padding  # a k-wide window must see each border pixel k - 1 - padding times
    spread = F.pad(spread, (edge, edge, edge, edge))
    kernel = weight.transpose(0, 1)  # (C_out, C_in, k, k), rotated by 180 degrees
    return F.conv2d(spread, kernel, bias)  # stride 1, no more padding
'''),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name='channel dimensions of the kernel not swapped', cell='conv_transpose_by_hand', score=16, source=r'''def conv_transpose_by_hand(x, weight, bias=None, stride=1, padding=0):
    """What nn.ConvTranspose2d computes, from zero insertion, zero padding and F.conv2d.

    Args:
        x: float tensor (N, C_in, H, W).
        weight: float tensor (C_in, C_out, k, k), laid out like nn.ConvTranspose2d(C_in, C_out, k).weight.
        bias: None or a float tensor (C_out,).
        stride: int >= 1; padding: int with 0 <= padding <= k - 1.
    Returns:
        float tensor (N, C_out, (H - 1) * stride - 2 * padding + k, (W - 1) * stride - 2 * padding + k),
        equal (to float tolerance) to F.conv_transpose2d(x, weight, bias, stride, padding).
    Steps: insert_zeros(x, stride); pad k - 1 - padding zeros on every side; F.conv2d with the
    kernel rotated by 180 degrees and its two channel dimensions swapped, stride 1.
    """
    k = weight.shape[-1]
    spread = insert_zeros(x, stride)  # (N, C_in, (H - 1) * stride + 1, (W - 1) * stride + 1)
    edge = k - 1 - padding  # a k-wide window must see each border pixel k - 1 - padding times
    spread = F.pad(spread, (edge, edge, edge, edge))
    kernel = weight.flip(2, 3)  # (C_out, C_in, k, k), rotated by 180 degrees
    return F.conv2d(spread, kernel, bias)  # stride 1, no more padding
'''),
    # test_conv_transpose_by_hand (4) fails (the hidden part)
    dict(name="PyTorch's transposed convolution instead of one by hand", cell='conv_transpose_by_hand', score=16, source=r'''def conv_transpose_by_hand(x, weight, bias=None, stride=1, padding=0):
    """What nn.ConvTranspose2d computes, from zero insertion, zero padding and F.conv2d.

    Args:
        x: float tensor (N, C_in, H, W).
        weight: float tensor (C_in, C_out, k, k), laid out like nn.ConvTranspose2d(C_in, C_out, k).weight.
        bias: None or a float tensor (C_out,).
        stride: int >= 1; padding: int with 0 <= padding <= k - 1.
    Returns:
        float tensor (N, C_out, (H - 1) * stride - 2 * padding + k, (W - 1) * stride - 2 * padding + k),
        equal (to float tolerance) to F.conv_transpose2d(x, weight, bias, stride, padding).
    Steps: insert_zeros(x, stride); pad k - 1 - padding zeros on every side; F.conv2d with the
    kernel rotated by 180 degrees and its two channel dimensions swapped, stride 1.
    """
    return F.conv_transpose2d(x, weight, bias, stride=stride, padding=padding)
    k = weight.shape[-1]
    spread = insert_zeros(x, stride)  # (N, C_in, (H - 1) * stride + 1, (W - 1) * stride + 1)
    edge = k - 1 - padding  # a k-wide window must see each border pixel k - 1 - padding times
    spread = F.pad(spread, (edge, edge, edge, edge))
    kernel = weight.transpose(0, 1).flip(2, 3)  # (C_out, C_in, k, k), rotated by 180 degrees
    return F.conv2d(spread, kernel, bias)  # stride 1, no more padding
'''),
    # test_generator (4) fails (the hidden part)
    dict(name='LeakyReLU instead of ReLU in G', cell='generator', score=16, source=r'''latent_dim = 64  # length of the noise vector z


class DCGANGenerator(nn.Module):
    """DCGAN generator: a noise vector in, a 28x28 image out.

    Args:
        latent_dim: length of the noise vector z.
        channels: C, the number of 7x7 feature maps after the projection (even).
    Layers: self.project = nn.Linear(latent_dim, C * 7 * 7, bias=False), and
    self.net = nn.Sequential(BatchNorm2d(C), ReLU(), ConvTranspose2d(C, C // 2, 4, 2, 1, bias=False),
    BatchNorm2d(C // 2), ReLU(), ConvTranspose2d(C // 2, 1, 4, 2, 1), Tanh()).

    forward(z): z float (N, latent_dim) -> images float (N, 1, 28, 28), values in (-1, 1).
    """

    def __init__(self, latent_dim=64, channels=32):
        super().__init__()
        self.channels = channels
        self.project = nn.Linear(latent_dim, channels * 7 * 7, bias=False)  # (N, C*49): project ...
        self.net = nn.Sequential(
            nn.BatchNorm2d(channels), nn.LeakyReLU(0.2),  # (N, C, 7, 7) ... and reshape, in forward
            nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=1, bias=False),  # (N, C/2, 14, 14)
            nn.BatchNorm2d(channels // 2), nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(channels // 2, 1, 4, stride=2, padding=1),  # (N, 1, 28, 28)
            nn.Tanh(),  # in (-1, 1), the range of the real images
        )

    def forward(self, z):
        return self.net(self.project(z).view(len(z), self.channels, 7, 7))
'''),
    # test_generator (4) fails
    dict(name='no batch norm in G', cell='generator', score=16, source=r'''latent_dim = 64  # length of the noise vector z


class DCGANGenerator(nn.Module):
    """DCGAN generator: a noise vector in, a 28x28 image out.

    Args:
        latent_dim: length of the noise vector z.
        channels: C, the number of 7x7 feature maps after the projection (even).
    Layers: self.project = nn.Linear(latent_dim, C * 7 * 7, bias=False), and
    self.net = nn.Sequential(BatchNorm2d(C), ReLU(), ConvTranspose2d(C, C // 2, 4, 2, 1, bias=False),
    BatchNorm2d(C // 2), ReLU(), ConvTranspose2d(C // 2, 1, 4, 2, 1), Tanh()).

    forward(z): z float (N, latent_dim) -> images float (N, 1, 28, 28), values in (-1, 1).
    """

    def __init__(self, latent_dim=64, channels=32):
        super().__init__()
        self.channels = channels
        self.project = nn.Linear(latent_dim, channels * 7 * 7, bias=False)  # (N, C*49): project ...
        self.net = nn.Sequential(
            nn.ReLU(),  # (N, C, 7, 7) ... and reshape, in forward
            nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=1, bias=False),  # (N, C/2, 14, 14)
            nn.ReLU(),
            nn.ConvTranspose2d(channels // 2, 1, 4, stride=2, padding=1),  # (N, 1, 28, 28)
            nn.Tanh(),  # in (-1, 1), the range of the real images
        )

    def forward(self, z):
        return self.net(self.project(z).view(len(z), self.channels, 7, 7))
'''),
    # test_generator (4) fails: G's images are 34x34
    dict(name='transposed convolutions in G with padding 0', cell='generator', score=16, source=r'''latent_dim = 64  # length of the noise vector z


class DCGANGenerator(nn.Module):
    """DCGAN generator: a noise vector in, a 28x28 image out.

    Args:
        latent_dim: length of the noise vector z.
        channels: C, the number of 7x7 feature maps after the projection (even).
    Layers: self.project = nn.Linear(latent_dim, C * 7 * 7, bias=False), and
    self.net = nn.Sequential(BatchNorm2d(C), ReLU(), ConvTranspose2d(C, C // 2, 4, 2, 1, bias=False),
    BatchNorm2d(C // 2), ReLU(), ConvTranspose2d(C // 2, 1, 4, 2, 1), Tanh()).

    forward(z): z float (N, latent_dim) -> images float (N, 1, 28, 28), values in (-1, 1).
    """

    def __init__(self, latent_dim=64, channels=32):
        super().__init__()
        self.channels = channels
        self.project = nn.Linear(latent_dim, channels * 7 * 7, bias=False)  # (N, C*49): project ...
        self.net = nn.Sequential(
            nn.BatchNorm2d(channels), nn.ReLU(),  # (N, C, 7, 7) ... and reshape, in forward
            nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=0, bias=False),  # (N, C/2, 14, 14)
            nn.BatchNorm2d(channels // 2), nn.ReLU(),
            nn.ConvTranspose2d(channels // 2, 1, 4, stride=2, padding=0),  # (N, 1, 28, 28)
            nn.Tanh(),  # in (-1, 1), the range of the real images
        )

    def forward(self, z):
        return self.net(self.project(z).view(len(z), self.channels, 7, 7))
'''),
    # test_discriminator (3) fails
    dict(name='max pooling instead of strided convolutions in D', cell='discriminator', score=17, source=r'''class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: a 28x28 image in, one logit out.

    Args:
        channels: C, the number of 7x7 feature maps before the last layer (even).
    Layers, in this order, in self.net = nn.Sequential(...): Conv2d(1, C // 2, 4, 2, 1), LeakyReLU(0.2),
    Conv2d(C // 2, C, 4, 2, 1, bias=False), BatchNorm2d(C), LeakyReLU(0.2), Flatten(), Linear(C * 7 * 7, 1).

    forward(x): x float (N, 1, 28, 28), values in [-1, 1] -> logits float (N, 1), any real number.
    """

    def __init__(self, channels=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, channels // 2, 3, padding=1), nn.LeakyReLU(0.2), nn.MaxPool2d(2),  # (N, C/2, 14, 14)
            nn.Conv2d(channels // 2, channels, 3, padding=1, bias=False),  # (N, C, 14, 14)
            nn.BatchNorm2d(channels), nn.LeakyReLU(0.2), nn.MaxPool2d(2),  # (N, C, 7, 7)
            nn.Flatten(),  # (N, C*49)
            nn.Linear(channels * 7 * 7, 1),  # (N, 1): a logit
        )

    def forward(self, x):
        return self.net(x)
'''),
    # test_discriminator (3) fails
    dict(name='no batch norm in D', cell='discriminator', score=17, source=r'''class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: a 28x28 image in, one logit out.

    Args:
        channels: C, the number of 7x7 feature maps before the last layer (even).
    Layers, in this order, in self.net = nn.Sequential(...): Conv2d(1, C // 2, 4, 2, 1), LeakyReLU(0.2),
    Conv2d(C // 2, C, 4, 2, 1, bias=False), BatchNorm2d(C), LeakyReLU(0.2), Flatten(), Linear(C * 7 * 7, 1).

    forward(x): x float (N, 1, 28, 28), values in [-1, 1] -> logits float (N, 1), any real number.
    """

    def __init__(self, channels=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, channels // 2, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (N, C/2, 14, 14), no batch norm on the input layer
            nn.Conv2d(channels // 2, channels, 4, stride=2, padding=1),  # (N, C, 7, 7)
            nn.LeakyReLU(0.2),
            nn.Flatten(),  # (N, C*49)
            nn.Linear(channels * 7 * 7, 1),  # (N, 1): a logit
        )

    def forward(self, x):
        return self.net(x)
'''),
    # test_discriminator (3) fails
    dict(name="batch norm on D's input layer too", cell='discriminator', score=17, source=r'''class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: a 28x28 image in, one logit out.

    Args:
        channels: C, the number of 7x7 feature maps before the last layer (even).
    Layers, in this order, in self.net = nn.Sequential(...): Conv2d(1, C // 2, 4, 2, 1), LeakyReLU(0.2),
    Conv2d(C // 2, C, 4, 2, 1, bias=False), BatchNorm2d(C), LeakyReLU(0.2), Flatten(), Linear(C * 7 * 7, 1).

    forward(x): x float (N, 1, 28, 28), values in [-1, 1] -> logits float (N, 1), any real number.
    """

    def __init__(self, channels=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, channels // 2, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(channels // 2), nn.LeakyReLU(0.2),  # (N, C/2, 14, 14)
            nn.Conv2d(channels // 2, channels, 4, stride=2, padding=1, bias=False),  # (N, C, 7, 7)
            nn.BatchNorm2d(channels), nn.LeakyReLU(0.2),
            nn.Flatten(),  # (N, C*49)
            nn.Linear(channels * 7 * 7, 1),  # (N, 1): a logit
        )

    def forward(self, x):
        return self.net(x)
'''),
    # test_discriminator (3) fails (the hidden part)
    dict(name='sigmoid at the end of D', cell='discriminator', score=17, source=r'''class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: a 28x28 image in, one logit out.

    Args:
        channels: C, the number of 7x7 feature maps before the last layer (even).
    Layers, in this order, in self.net = nn.Sequential(...): Conv2d(1, C // 2, 4, 2, 1), LeakyReLU(0.2),
    Conv2d(C // 2, C, 4, 2, 1, bias=False), BatchNorm2d(C), LeakyReLU(0.2), Flatten(), Linear(C * 7 * 7, 1).

    forward(x): x float (N, 1, 28, 28), values in [-1, 1] -> logits float (N, 1), any real number.
    """

    def __init__(self, channels=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, channels // 2, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (N, C/2, 14, 14), no batch norm on the input layer
            nn.Conv2d(channels // 2, channels, 4, stride=2, padding=1, bias=False),  # (N, C, 7, 7)
            nn.BatchNorm2d(channels), nn.LeakyReLU(0.2),
            nn.Flatten(),  # (N, C*49)
            nn.Linear(channels * 7 * 7, 1), nn.Sigmoid(),  # (N, 1): a probability
        )

    def forward(self, x):
        return self.net(x)
'''),
    # test_init (2) fails
    dict(name='batch-norm weights from N(0, 0.02) instead of N(1, 0.02)', cell='dcgan_init', score=18, source=r'''def dcgan_init(module):
    """DCGAN's initialisation of one module; use it as G.apply(dcgan_init).

    nn.Conv2d, nn.ConvTranspose2d, nn.Linear: weight from N(0, 0.02**2), bias 0 (if it has one).
    nn.BatchNorm1d, nn.BatchNorm2d: weight from N(1, 0.02**2), bias 0.
    Any other module: unchanged. Returns None.
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        nn.init.zeros_(module.bias)
'''),
    # test_init (2) fails (the hidden part)
    dict(name='initialisation of Conv2d only (transposed convolutions and linear layers left out)', cell='dcgan_init', score=18, source=r'''def dcgan_init(module):
    """DCGAN's initialisation of one module; use it as G.apply(dcgan_init).

    nn.Conv2d, nn.ConvTranspose2d, nn.Linear: weight from N(0, 0.02**2), bias 0 (if it has one).
    nn.BatchNorm1d, nn.BatchNorm2d: weight from N(1, 0.02**2), bias 0.
    Any other module: unchanged. Returns None.
    """
    if type(module) is nn.Conv2d:
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)  # a scale: around 1, not 0
        nn.init.zeros_(module.bias)
'''),
    # test_init (2) fails
    dict(name='0.02 used as the variance (std sqrt(0.02) = 0.14)', cell='dcgan_init', score=18, source=r'''def dcgan_init(module):
    """DCGAN's initialisation of one module; use it as G.apply(dcgan_init).

    nn.Conv2d, nn.ConvTranspose2d, nn.Linear: weight from N(0, 0.02**2), bias 0 (if it has one).
    nn.BatchNorm1d, nn.BatchNorm2d: weight from N(1, 0.02**2), bias 0.
    Any other module: unchanged. Returns None.
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, math.sqrt(0.02))
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)  # a scale: around 1, not 0
        nn.init.zeros_(module.bias)
'''),
    # test_lsgan_losses (3) fails (the hidden part)
    dict(name="LSGAN targets swapped in D's loss", cell='lsgan_losses', score=17, source=r'''def lsgan_d_loss(real_out, fake_out):
    """LSGAN's D loss with targets b = 1 (real) and a = 0 (fake).

    Args:
        real_out: float (N, 1), D's raw outputs (no sigmoid) on real images.
        fake_out: float (M, 1), D's raw outputs on generated images.
    Returns:
        a 0-d float tensor that can be backpropagated:
        0.5 * mean((real_out - 1)**2) + 0.5 * mean(fake_out**2).
    """
    return 0.5 * real_out.pow(2).mean() + 0.5 * (fake_out - 1).pow(2).mean()


def lsgan_g_loss(fake_out):
    """LSGAN's G loss with target c = 1: G wants D to score its fakes like real images.

    Args:
        fake_out: float (M, 1), D's raw outputs on generated images.
    Returns:
        a 0-d float tensor: 0.5 * mean((fake_out - 1)**2).
    """
    return 0.5 * (fake_out - 1).pow(2).mean()
'''),
    # test_lsgan_losses (3) fails
    dict(name='LSGAN losses without the factors 1/2', cell='lsgan_losses', score=17, source=r'''def lsgan_d_loss(real_out, fake_out):
    """LSGAN's D loss with targets b = 1 (real) and a = 0 (fake).

    Args:
        real_out: float (N, 1), D's raw outputs (no sigmoid) on real images.
        fake_out: float (M, 1), D's raw outputs on generated images.
    Returns:
        a 0-d float tensor that can be backpropagated:
        0.5 * mean((real_out - 1)**2) + 0.5 * mean(fake_out**2).
    """
    return 0.5 * (real_out - 1).pow(2).mean() + 0.5 * fake_out.pow(2).mean()


def lsgan_g_loss(fake_out):
    """LSGAN's G loss with target c = 1: G wants D to score its fakes like real images.

    Args:
        fake_out: float (M, 1), D's raw outputs on generated images.
    Returns:
        a 0-d float tensor: 0.5 * mean((fake_out - 1)**2).
    """
    return (fake_out - 1).pow(2).mean()
'''),
    # test_lsgan_losses (3) fails
    dict(name='LSGAN G loss with target 0', cell='lsgan_losses', score=17, source=r'''def lsgan_d_loss(real_out, fake_out):
    """LSGAN's D loss with targets b = 1 (real) and a = 0 (fake).

    Args:
        real_out: float (N, 1), D's raw outputs (no sigmoid) on real images.
        fake_out: float (M, 1), D's raw outputs on generated images.
    Returns:
        a 0-d float tensor that can be backpropagated:
        0.5 * mean((real_out - 1)**2) + 0.5 * mean(fake_out**2).
    """
    return 0.5 * (real_out - 1).pow(2).mean() + 0.5 * fake_out.pow(2).mean()


def lsgan_g_loss(fake_out):
    """LSGAN's G loss with target c = 1: G wants D to score its fakes like real images.

    Args:
        fake_out: float (M, 1), D's raw outputs on generated images.
    Returns:
        a 0-d float tensor: 0.5 * mean((fake_out - 1)**2).
    """
    return 0.5 * fake_out.pow(2).mean()
'''),
]
