"""Plausible wrong answers to 01_backquery and the total score (of 15) each must get.

Points: test_logit 2, test_rescale 2, test_layer_backward 4, test_backquery 3,
test_gradient_ascent 4. A mistake in a helper also costs the tests of the functions that use it
(layer_backward calls logit and rescale, backquery calls layer_backward).
"""

WRONG = [
    dict(
        name="logit without clamping: logit(0) and logit(1) are -inf and +inf",
        cell="logit",
        source='''def logit(y, eps=1e-4):
    """Inverse of the sigmoid."""
    return torch.log(y / (1 - y))
''',
        score=13,  # loses test_logit (2)
    ),
    dict(
        name="logit clamps its argument in place",
        cell="logit",
        source='''def logit(y, eps=1e-4):
    """Inverse of the sigmoid."""
    y.clamp_(eps, 1 - eps)
    return torch.log(y) - torch.log(1 - y)
''',
        score=13,  # loses test_logit (2)
    ),
    dict(
        name="rescale with the min and max of the whole batch instead of each row",
        cell="rescale",
        source='''def rescale(x, low=0.01, high=0.99):
    """Stretch x into [low, high]."""
    return low + (high - low) * (x - x.min()) / (x.max() - x.min())
''',
        score=6,  # loses test_rescale (2), test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="rescale divides by zero on a constant row (NaN)",
        cell="rescale",
        source='''def rescale(x, low=0.01, high=0.99):
    """Stretch each row of x into [low, high]."""
    x_min = x.min(dim=1, keepdim=True).values
    x_max = x.max(dim=1, keepdim=True).values
    return low + (high - low) * (x - x_min) / (x_max - x_min)
''',
        score=13,  # loses test_rescale (2)
    ),
    dict(
        name="layer_backward forgets to subtract the bias",
        cell="layer_backward",
        source='''def layer_backward(layer, y):
    """Run one nn.Linear layer and the sigmoid after it backwards."""
    with torch.no_grad():
        x = logit(y) @ layer.weight
        return rescale(x, 0.01, 0.99)
''',
        score=8,  # loses test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="layer_backward multiplies by W instead of W^T",
        cell="layer_backward",
        source='''def layer_backward(layer, y):
    """Run one nn.Linear layer and the sigmoid after it backwards."""
    with torch.no_grad():
        z = logit(y) - layer.bias
        x = z @ layer.weight.T
        return rescale(x, 0.01, 0.99)
''',
        score=8,  # loses test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="layer_backward does not rescale",
        cell="layer_backward",
        source='''def layer_backward(layer, y):
    """Run one nn.Linear layer and the sigmoid after it backwards."""
    with torch.no_grad():
        z = logit(y) - layer.bias
        return z @ layer.weight
''',
        score=8,  # loses test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="backquery goes through the layers first to last",
        cell="backquery",
        source='''def backquery(model, targets):
    """Run a sigmoid network backwards."""
    x = targets
    for layer in model:
        if isinstance(layer, nn.Linear):
            x = layer_backward(layer, x)
    return x
''',
        score=12,  # loses test_backquery (3)
    ),
    dict(
        name="gradient_ascent climbs the loss (negated BCE) instead of descending it",
        cell="gradient_ascent",
        source='''def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
    """Change an input until the model's outputs come close to targets."""
    x = x_start.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr)
    for _ in range(num_steps):
        loss = -F.binary_cross_entropy(model(x), targets, reduction="sum")  # "ascent"
        (x.grad,) = torch.autograd.grad(loss, [x])
        opt.step()
        with torch.no_grad():
            x.clamp_(0.01, 1.0)
    return x.detach()
''',
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent without the clamp into [0.01, 1.0]",
        cell="gradient_ascent",
        source='''def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
    """Change an input until the model's outputs come close to targets."""
    x = x_start.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr)
    for _ in range(num_steps):
        loss = F.binary_cross_entropy(model(x), targets, reduction="sum")
        (x.grad,) = torch.autograd.grad(loss, [x])
        opt.step()
    return x.detach()
''',
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent calls loss.backward() and leaves gradients in the model's .grad",
        cell="gradient_ascent",
        source='''def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
    """Change an input until the model's outputs come close to targets."""
    x = x_start.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr)
    for _ in range(num_steps):
        loss = F.binary_cross_entropy(model(x), targets, reduction="sum")
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            x.clamp_(0.01, 1.0)
    return x.detach()
''',
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent freezes the model and never unfreezes it",
        cell="gradient_ascent",
        source='''def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
    """Change an input until the model's outputs come close to targets."""
    model.requires_grad_(False)
    x = x_start.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr)
    for _ in range(num_steps):
        loss = F.binary_cross_entropy(model(x), targets, reduction="sum")
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            x.clamp_(0.01, 1.0)
    return x.detach()
''',
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent with the mean BCE instead of the sum",
        cell="gradient_ascent",
        source='''def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
    """Change an input until the model's outputs come close to targets."""
    x = x_start.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr)
    for _ in range(num_steps):
        loss = F.binary_cross_entropy(model(x), targets)
        (x.grad,) = torch.autograd.grad(loss, [x])
        opt.step()
        with torch.no_grad():
            x.clamp_(0.01, 1.0)
    return x.detach()
''',
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent optimises x_start itself and changes the caller's tensor",
        cell="gradient_ascent",
        source='''def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
    """Change an input until the model's outputs come close to targets."""
    x = x_start.requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr)
    for _ in range(num_steps):
        loss = F.binary_cross_entropy(model(x), targets, reduction="sum")
        (x.grad,) = torch.autograd.grad(loss, [x])
        opt.step()
        with torch.no_grad():
            x.clamp_(0.01, 1.0)
    return x.detach()
''',
        score=11,  # loses test_gradient_ascent (4)
    ),
]
