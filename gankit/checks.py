"""Comparisons for graded test cells.

Every check raises ``CheckFailed`` (an AssertionError) with a message that says what is wrong, so
nbgrader shows the student that message. The torch and math functions used here are bound when
this module is imported (in a notebook's locked setup cell, before any student code runs), so a
student cell that replaces ``torch.allclose`` or returns an object whose ``==`` always says True
changes nothing: values must be real tensors of the exact type, shape and dtype first.
"""
import math

import torch

_Tensor = torch.Tensor
_type = type
_float = float
_isfinite_t = torch.isfinite
_as_tensor = torch.as_tensor
_float64 = torch.float64
_abs = torch.abs
_argmax = torch.argmax
_isfinite = math.isfinite
_unravel = torch.unravel_index


class CheckFailed(AssertionError):
    """A graded check failed; the message is meant for the student."""


def expect(condition, message):
    """Fail with ``message`` unless ``condition`` is exactly True (a real bool, not a look-alike)."""
    if condition is not True:
        raise CheckFailed(message)


def expect_tensor(value, name, shape=None, dtype=None):
    """Check that ``value`` is a plain ``torch.Tensor`` (exact type) with the given shape and dtype."""
    if _type(value) is not _Tensor and _type(value) is not torch.nn.Parameter:
        raise CheckFailed(f"{name} should be a torch.Tensor, but it is a {_type(value).__name__}.")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise CheckFailed(f"{name} should have shape {tuple(shape)}, but it has shape {tuple(value.shape)}.")
    if dtype is not None and value.dtype != dtype:
        raise CheckFailed(f"{name} should have dtype {dtype}, but it has dtype {value.dtype}.")
    if value.is_floating_point() and not bool(_isfinite_t(value.detach()).all()):
        raise CheckFailed(f"{name} contains NaN or infinite values.")
    return value


def expect_close(value, expected, name, atol=1e-4, rtol=1e-4, dtype=torch.float32, hint=None):
    """Check a tensor against the reference ``expected`` (a tensor or nested list) within tolerance.

    The message names the largest difference and where it is; ``hint`` adds the likely cause.
    """
    expected = _as_tensor(expected, dtype=_float64)
    expect_tensor(value, name, shape=expected.shape, dtype=dtype)
    got = value.detach().to("cpu", _float64)
    diff = _abs(got - expected)
    bound = atol + rtol * _abs(expected)
    if bool((diff > bound).any()):
        worst = int(_argmax(diff - bound))
        where = tuple(int(i) for i in _unravel(torch.tensor(worst), expected.shape)) if expected.dim() else ()
        msg = (f"{name} is not what the reference gives: at index {where} it is "
               f"{got.reshape(-1)[worst].item():.6g}, expected {expected.reshape(-1)[worst].item():.6g} "
               f"(largest difference {diff.max().item():.3g}, tolerance {atol:g} + {rtol:g}*|expected|).")
        if hint:
            msg += " " + hint
        raise CheckFailed(msg)
    return value


def expect_scalar(value, expected, name, tol=1e-4, hint=None):
    """Check a number given as a Python float/int or a one-element tensor against ``expected``."""
    if _type(value) is _Tensor or _type(value) is torch.nn.Parameter:
        if value.numel() != 1:
            raise CheckFailed(f"{name} should be a single number, but it has shape {tuple(value.shape)}.")
        number = value.detach().reshape(-1)[0].item()
    elif _type(value) in (float, int):
        number = _float(value)
    else:
        raise CheckFailed(f"{name} should be a number or a one-element tensor, but it is a {_type(value).__name__}.")
    if not _isfinite(number) or abs(number - expected) > tol:
        msg = f"{name} is {number:.6g}, expected {expected:.6g} (tolerance {tol:g})."
        if hint:
            msg += " " + hint
        raise CheckFailed(msg)
    return number


def count_parameters(module):
    """Number of trainable parameters of an ``nn.Module``."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
