"""Replicate padding of images and frame batches to a multiple of a network's size divisor."""
import torch
import torch.nn.functional as F


def pad_to_multiple(x: torch.Tensor, divisor: int) -> torch.Tensor:
    """Replicate-pad the last two (spatial) dims of ``x`` to multiples of ``divisor``.

    Padding goes to the bottom and the right, so ``out[..., :h, :w]`` crops it back.

    Args:
        x (Tensor): ``(..., H, W)`` with at least one leading dim, e.g. ``(N, C, H, W)`` or
            ``(B, T, C, H, W)``.
        divisor (int): Size divisor (1 leaves ``x`` as it is).

    Returns:
        Tensor: ``(..., H', W')`` with ``H'``, ``W'`` the next multiples of ``divisor``.
    """
    h, w = x.shape[-2:]
    pad_h, pad_w = (-h) % divisor, (-w) % divisor
    if not (pad_h or pad_w):
        return x
    padded = F.pad(x.reshape(-1, *x.shape[-3:]), (0, pad_w, 0, pad_h), mode='replicate')
    return padded.view(*x.shape[:-2], *padded.shape[-2:])
