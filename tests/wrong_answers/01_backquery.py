"""Plausible wrong answers to 01_backquery and the total score (of 15) each must get.

Points: test_logit 2, test_rescale 2, test_layer_backward 4, test_backquery 3,
test_gradient_ascent 4. A mistake in a helper also costs the tests of the functions that use it
(layer_backward calls logit and rescale, backquery calls layer_backward).
"""

WRONG = [
    dict(
        name="logit without clamping: logit(0) and logit(1) are -inf and +inf",
        cell="logit",
        edits=[
            ("""
            y = y.clamp(eps, 1 - eps)  # a new tensor: ln(0) = -inf would poison every later step
            return torch.log(y) - torch.log1p(-y)  # log1p(-y) = ln(1 - y), accurate near y = 0
            """,
             """
            return torch.log(y / (1 - y))
            """),
        ],
        score=13,  # loses test_logit (2)
    ),
    dict(
        name="logit clamps its argument in place",
        cell="logit",
        edits=[
            ("""
            y = y.clamp(eps, 1 - eps)  # a new tensor: ln(0) = -inf would poison every later step
            return torch.log(y) - torch.log1p(-y)  # log1p(-y) = ln(1 - y), accurate near y = 0
            """,
             """
            y.clamp_(eps, 1 - eps)
            return torch.log(y) - torch.log(1 - y)
            """),
        ],
        score=13,  # loses test_logit (2)
    ),
    dict(
        name="rescale with the min and max of the whole batch instead of each row",
        cell="rescale",
        edits=[
            ("""
            x_min = x.min(dim=1, keepdim=True).values  # (N, 1): each row has its own range
            x_max = x.max(dim=1, keepdim=True).values  # (N, 1)
            span = (x_max - x_min).clamp_min(1e-12)  # a constant row would divide 0 by 0
            return low + (high - low) * (x - x_min) / span
            """,
             """
            return low + (high - low) * (x - x.min()) / (x.max() - x.min())
            """),
        ],
        score=6,  # loses test_rescale (2), test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="rescale divides by zero on a constant row (NaN)",
        cell="rescale",
        edits=[
            ("""
            span = (x_max - x_min).clamp_min(1e-12)  # a constant row would divide 0 by 0
            return low + (high - low) * (x - x_min) / span
            """,
             """
            return low + (high - low) * (x - x_min) / (x_max - x_min)
            """),
        ],
        score=13,  # loses test_rescale (2)
    ),
    dict(
        name="layer_backward forgets to subtract the bias",
        cell="layer_backward",
        edits=[
            ("""
            z = logit(y) - layer.bias  # (N, out): what W x was before the bias and the sigmoid
            x = z @ layer.weight  # (N, out) @ (out, in) -> (N, in): W^T applied to each row
            """,
             """
            x = logit(y) @ layer.weight
            """),
        ],
        score=8,  # loses test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="layer_backward multiplies by W instead of W^T",
        cell="layer_backward",
        edits=[
            ("""
            x = z @ layer.weight  # (N, out) @ (out, in) -> (N, in): W^T applied to each row
            """,
             """
            x = z @ layer.weight.T
            """),
        ],
        score=8,  # loses test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="layer_backward does not rescale",
        cell="layer_backward",
        edits=[
            ("""
            x = z @ layer.weight  # (N, out) @ (out, in) -> (N, in): W^T applied to each row
            return rescale(x, 0.01, 0.99)
            """,
             """
            return z @ layer.weight
            """),
        ],
        score=8,  # loses test_layer_backward (4), test_backquery (3)
    ),
    dict(
        name="backquery goes through the layers first to last",
        cell="backquery",
        edits=[
            ("""
            for layer in reversed(linears):  # the output layer first, the input layer last
            """,
             """
            for layer in linears:  # the input layer first
            """),
        ],
        score=12,  # loses test_backquery (3)
    ),
    dict(
        name="gradient_ascent climbs the loss (negated BCE) instead of descending it",
        cell="gradient_ascent",
        edits=[
            ("""
            loss = F.binary_cross_entropy(model(x), targets, reduction="sum")
            """,
             """
            loss = -F.binary_cross_entropy(model(x), targets, reduction="sum")  # "ascent"
            """),
        ],
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent without the clamp into [0.01, 1.0]",
        cell="gradient_ascent",
        edits=[
            ("""
            with torch.no_grad():
                x.clamp_(0.01, 1.0)  # stay a valid image
            """,
             ""),
        ],
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent calls loss.backward() and leaves gradients in the model's .grad",
        cell="gradient_ascent",
        edits=[
            ("""
            (x.grad,) = torch.autograd.grad(loss, [x])
            """,
             """
            opt.zero_grad()
            loss.backward()
            """),
        ],
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent freezes the model and never unfreezes it",
        cell="gradient_ascent",
        edits=[
            ("""
            def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
            """,
             """
            def gradient_ascent(model, targets, x_start, num_steps=100, lr=0.2):
                model.requires_grad_(False)
            """),
            ("""
            (x.grad,) = torch.autograd.grad(loss, [x])
            """,
             """
            opt.zero_grad()
            loss.backward()
            """),
        ],
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent with the mean BCE instead of the sum",
        cell="gradient_ascent",
        edits=[
            ("""
            loss = F.binary_cross_entropy(model(x), targets, reduction="sum")
            """,
             """
            loss = F.binary_cross_entropy(model(x), targets)
            """),
        ],
        score=11,  # loses test_gradient_ascent (4)
    ),
    dict(
        name="gradient_ascent optimises x_start itself and changes the caller's tensor",
        cell="gradient_ascent",
        edits=[
            ("""
            x = x_start.detach().clone().requires_grad_(True)  # a copy: x_start stays as it is
            """,
             """
            x = x_start.requires_grad_(True)
            """),
        ],
        score=11,  # loses test_gradient_ascent (4)
    ),
]
