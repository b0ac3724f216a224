"""MATLAB-compatible bicubic resize of NumPy images, and its per-axis weight matrices.

:func:`imresize_matlab` reproduces MATLAB's ``imresize(img, scale, 'bicubic')``
(``contributions``/``resizeAlongDim`` of ``imresize.m``). MMagic ships a port,
``mmagic.datasets.transforms.MATLABLikeResize``, but it loops over output
rows, computes in float32, and never rounds uint8 images (it casts to float32
before its uint8 check), so it returns float images that differ from MATLAB's
uint8 output. This module computes in float64 with dense per-axis weight
matrices and, for uint8 input, rounds and saturates to uint8 after each 1-D
pass as MATLAB's ``imresizemex`` does; its uint8 output equals MATLAB's
recorded outputs (see ``tests/test_datasets/test_matlab_resize.py``).

Used by the data pipeline's :class:`~mmstvsr.datasets.transforms.MATLABBicubicDownsample` and,
through :func:`resize_weights`, by the models' :class:`~mmstvsr.models.archs.MATLABBicubicResize`.
"""
import math

import numpy as np


def _cubic(x):
    """Keys cubic kernel with a = -0.5 (support [-2, 2])."""
    ax = np.abs(x)
    ax2 = ax * ax
    ax3 = ax2 * ax
    return ((1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1) +
            (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2)))


def resize_weights(in_len, scale):
    """Dense 1-D bicubic resize matrix, as MATLAB's ``contributions``.

    Output length ``ceil(in_len * scale)``. When downscaling, the kernel is
    stretched by ``1 / scale`` (antialiasing). Taps outside the input are
    mirrored (symmetric padding, edge pixel repeated) and their weights added
    to the mirrored pixel. ``weights @ signal`` resizes a 1-D signal.

    Args:
        in_len (int): Input length.
        scale (float): Scale factor (> 0).

    Returns:
        np.ndarray: ``(ceil(in_len * scale), in_len)`` float64 matrix whose
        rows sum to 1.
    """
    out_len = math.ceil(in_len * scale)
    if scale < 1:
        kernel_width = 4.0 / scale

        def kernel(x):
            return scale * _cubic(scale * x)
    else:
        kernel_width = 4.0
        kernel = _cubic
    # 1-based output coordinates mapped to 1-based input coordinates
    u = np.arange(1, out_len + 1, dtype=np.float64) / scale + 0.5 * (
        1 - 1 / scale)
    left = np.floor(u - kernel_width / 2)
    taps = int(math.ceil(kernel_width)) + 2
    idx = left[:, None] + np.arange(taps)  # 1-based input indices
    weights = kernel(u[:, None] - idx)
    weights /= weights.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(in_len), np.arange(in_len)[::-1]])
    idx = mirror[np.mod(idx.astype(np.int64) - 1, 2 * in_len)]
    mat = np.zeros((out_len, in_len))
    rows = np.repeat(np.arange(out_len), taps)
    np.add.at(mat, (rows, idx.ravel()), weights.ravel())
    return mat


def _round_uint8(img):
    """Saturate to [0, 255] and round half up, as MATLAB's cast to uint8."""
    return np.floor(np.clip(img, 0, 255) + 0.5).astype(np.uint8)


def imresize_matlab(img, scale):
    """Resize like MATLAB's ``imresize(img, scale, 'bicubic')``.

    Keys cubic kernel (a = -0.5, width 4), stretched by ``1 / scale`` when
    downscaling (antialiasing), symmetric boundary handling, output size
    ``ceil(in * scale)``. Rows are resized first, then columns (MATLAB's
    order for equal scales), each with one dense weight matrix.

    Args:
        img (np.ndarray): ``(H, W)`` or ``(H, W, C)`` image, uint8 or float.
        scale (float): Scale factor (> 0), e.g. 1 / 4 to downsample by 4.

    Returns:
        np.ndarray: ``(ceil(H * scale), ceil(W * scale)[, C])`` image. uint8
        (rounded and saturated after each 1-D pass, as MATLAB) for uint8
        input; unclipped float64 for float input.
    """
    if img.ndim not in (2, 3):
        raise ValueError(
            f'img must be (H, W) or (H, W, C), got shape {img.shape}')
    is_uint8 = img.dtype == np.uint8
    if not (is_uint8 or np.issubdtype(img.dtype, np.floating)):
        raise TypeError(f'img must be uint8 or float, got dtype {img.dtype}')
    if not scale > 0:
        raise ValueError(f'scale must be positive, got {scale}')
    out = img
    for axis in (0, 1):
        weights = resize_weights(img.shape[axis], scale)
        out = np.moveaxis(
            np.tensordot(weights, out.astype(np.float64), axes=(1, axis)), 0,
            axis)
        if is_uint8:
            out = _round_uint8(out)
    return np.ascontiguousarray(out)
