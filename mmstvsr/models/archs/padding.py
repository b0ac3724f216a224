"""Replicate padding of images and frame batches to a multiple of a network's size divisor."""
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F


def multiple_padding(size: Sequence[int], divisor: int,
                     centre: bool = False) -> Tuple[int, int, int, int]:
    """Padding that brings an ``(H, W)`` size to multiples of ``divisor``.

    Args:
        size (Sequence[int]): ``(H, W)``.
        divisor (int): Size divisor (1: no padding).
        centre (bool): Split the padding between both sides, the smaller half (``pad // 2``)
            at the top / left, as the DSFN authors' code pads its U-Nets' inputs; False puts
            all of it at the bottom / right. Default: False.

    Returns:
        tuple[int]: ``(left, right, top, bottom)``, the order of :func:`torch.nn.functional.pad`.
    """
    h, w = size
    pad_h, pad_w = (-h) % divisor, (-w) % divisor
    top, left = (pad_h // 2, pad_w // 2) if centre else (0, 0)
    return left, pad_w - left, top, pad_h - top


def pad_to_multiple(x: torch.Tensor, divisor: int, centre: bool = False) -> torch.Tensor:
    """Replicate-pad the last two (spatial) dims of ``x`` to multiples of ``divisor``.

    Padding goes to the bottom and the right, so ``out[..., :h, :w]`` crops it back; with
    ``centre=True`` it is split between both sides (see :func:`multiple_padding`) and
    :func:`crop_padding` crops it back.

    Args:
        x (Tensor): ``(..., H, W)`` with at least one leading dim, e.g. ``(N, C, H, W)`` or
            ``(B, T, C, H, W)``.
        divisor (int): Size divisor (1 leaves ``x`` as it is).
        centre (bool): Centred padding. Default: False.

    Returns:
        Tensor: ``(..., H', W')`` with ``H'``, ``W'`` the next multiples of ``divisor``.
    """
    padding = multiple_padding(x.shape[-2:], divisor, centre)
    if not any(padding):
        return x
    padded = F.pad(x.reshape(-1, *x.shape[-3:]), padding, mode='replicate')
    return padded.view(*x.shape[:-2], *padded.shape[-2:])


def crop_padding(x: torch.Tensor, size: Sequence[int], divisor: int,
                 centre: bool = False) -> torch.Tensor:
    """Crop the output of a network run on :func:`pad_to_multiple`'s output back to ``size``.

    Args:
        x (Tensor): ``(..., r * H', r * W')``: an output at an integer multiple ``r`` (e.g. a
            super-resolution scale, or 1) of the padded size ``(H', W')``.
        size (Sequence[int]): The input's size ``(H, W)`` before padding.
        divisor (int): The divisor it was padded to.
        centre (bool): Whether the padding was centred. Default: False.

    Returns:
        Tensor: ``(..., r * H, r * W)``.
    """
    h, w = size
    left, _, top, _ = multiple_padding(size, divisor, centre)
    ratio = x.size(-1) // (w + (-w) % divisor)
    top, left = top * ratio, left * ratio
    return x[..., top:top + h * ratio, left:left + w * ratio]
