"""MATLAB-compatible bicubic resize and the space-time SR benchmark degradation.

:func:`imresize_matlab` reproduces MATLAB's ``imresize(img, scale, 'bicubic')``
(``contributions``/``resizeAlongDim`` of ``imresize.m``). MMagic ships a port,
``mmagic.datasets.transforms.MATLABLikeResize``, but it loops over output
rows, computes in float32, and never rounds uint8 images (it casts to float32
before its uint8 check), so it returns float images that differ from MATLAB's
uint8 output. This module computes in float64 with dense per-axis weight
matrices and, for uint8 input, rounds and saturates to uint8 after each 1-D
pass as MATLAB's ``imresizemex`` does; its uint8 output equals MATLAB's
recorded outputs (see ``tests/test_datasets/test_matlab_resize.py``).
"""
import math
from collections import Counter

import numpy as np
from mmagic.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


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


@TRANSFORMS.register_module()
class MATLABBicubicDownsample(BaseTransform):
    """Make LR frames from a clip of HR frames with MATLAB bicubic resize.

    The space-time SR benchmark degradation: every GT frame is mod-cropped to
    a multiple of ``scale`` (top-left anchored, as MMagic's ``ModCrop``), and
    the selected frames are downsampled by ``imresize(gt, 1 / scale,
    'bicubic')`` (:func:`imresize_matlab`).

    Required keys: ``gt_key`` (list of uint8 ``(H, W, 3)`` frames, all of one
    size, or one such frame for image datasets, which gives one LR frame).
    Optional keys: ``f'{gt_key}_path'``, ``f'{gt_key}_channel_order'``,
    ``'input_indices'``. Modified key: ``gt_key`` (``(H', W', 3)`` frames with
    ``H' = H - H % scale``, ``W' = W - W % scale``). Added keys: ``lr_key``
    (list of uint8 ``(H' / scale, W' / scale, 3)`` frames), ``'scale'``,
    ``f'{lr_key}_channel_order'``.

    Args:
        scale (int): Downsampling factor. Default: 4.
        gt_key (str): Key of the HR frames. Default: 'gt'.
        lr_key (str): Key to store the LR frames in. Default: 'img'.
        frame_indices (list[int] | None): Indices into the GT list of the
            frames to downsample. If None, ``results['input_indices']`` is
            used when present, else all frames. Default: None.
    """

    def __init__(self, scale=4, gt_key='gt', lr_key='img', frame_indices=None):
        super().__init__()
        if int(scale) != scale or scale < 1:
            raise ValueError(f'scale must be a positive integer, got {scale}')
        self.scale = int(scale)
        self.gt_key = gt_key
        self.lr_key = lr_key
        self.frame_indices = frame_indices

    def _check_sizes(self, frames, paths):
        """Raise a ValueError naming the frames not of the most common size."""
        if not frames:
            raise ValueError(f'results[{self.gt_key!r}] holds no frames')
        sizes = [frame.shape[:2] for frame in frames]
        (h, w), _ = Counter(sizes).most_common(1)[0]
        if paths is None:
            paths = [f'frame {i}' for i in range(len(frames))]
        odd = ', '.join(f'{path} is {size[0]}x{size[1]}'
                        for path, size in zip(paths, sizes)
                        if size != (h, w))
        if odd:
            raise ValueError(
                f'every frame of a clip must have one size (HxW): {odd}, '
                f'while the other frames are {h}x{w}')

    def transform(self, results):
        """Mod-crop the GT frames and add their downsampled frames.

        Args:
            results (dict): Data with a list of GT frames at ``gt_key``.

        Returns:
            dict: ``results`` with the cropped GT and the LR frames.
        """
        single = isinstance(results[self.gt_key], np.ndarray)
        frames = [results[self.gt_key]] if single else results[self.gt_key]
        paths = results.get(f'{self.gt_key}_path')
        self._check_sizes(frames, [paths] if single and paths else paths)
        h, w = frames[0].shape[:2]
        h, w = h - h % self.scale, w - w % self.scale
        frames = [frame[:h, :w, ...] for frame in frames]
        indices = self.frame_indices
        if indices is None:
            indices = results.get('input_indices', range(len(frames)))
        for i in indices:
            if not 0 <= i < len(frames):
                raise IndexError(f'frame index {i} is out of range for a '
                                 f'clip of {len(frames)} frames')
        lrs = [imresize_matlab(frames[i], 1 / self.scale) for i in indices]
        results[self.gt_key] = frames[0] if single else frames
        results[self.lr_key] = lrs[0] if single else lrs
        results['scale'] = self.scale
        results[f'{self.lr_key}_channel_order'] = results.get(
            f'{self.gt_key}_channel_order', 'bgr')
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(scale={self.scale}, '
                f'gt_key={self.gt_key!r}, lr_key={self.lr_key!r}, '
                f'frame_indices={self.frame_indices})')
