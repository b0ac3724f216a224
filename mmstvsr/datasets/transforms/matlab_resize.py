"""The space-time SR benchmark degradation: MATLAB bicubic downsampling of the HR frames.

The resize, :func:`~mmstvsr.utils.matlab_resize.imresize_matlab`, is in
:mod:`mmstvsr.utils.matlab_resize`, shared with the models; ``imresize_matlab`` is still importable
from here and from :mod:`mmstvsr.datasets.transforms`.
"""
from collections import Counter

import numpy as np
from mmagic.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmstvsr.utils.matlab_resize import imresize_matlab


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
