"""Pictures of validation / test clips: input | prediction | GT strips, in-between frames too."""
import os
import os.path as osp
from typing import List, Optional, Sequence

import cv2
import numpy as np
import torch
from mmagic.registry import HOOKS
from mmengine.hooks import Hook

from mmstvsr.utils.files import write_png
from mmstvsr.utils.pictures import text_tile

#: Height of the bar above each column (its output time) and width of the row labels.
BAR = 18
LABEL_WIDTH = 64


def _frames_uint8(frames: torch.Tensor) -> np.ndarray:
    """``(T, C, H, W)`` (or ``(C, H, W)``) values in [0, 255] as ``(T, H, W, C)`` uint8."""
    frames = frames.detach().float().cpu()
    frames = frames[None] if frames.dim() == 3 else frames
    return frames.clamp(0, 255).round().byte().permute(0, 2, 3, 1).numpy()


def _text(width: int, height: int, text: str) -> np.ndarray:
    """A white ``(height, width, 3)`` tile holding ``text`` in black."""
    return text_tile(width, height, [(3, text)], font_scale=0.4, margin=5)


def clip_strip(inputs: Optional[np.ndarray], pred: np.ndarray, gt: Optional[np.ndarray],
               input_indices: Sequence[int], max_panel_width: Optional[int] = 320) -> np.ndarray:
    """One picture of a clip: a column per output frame, rows input / prediction / GT.

    The input row shows each LR input frame enlarged by pixel repetition to the output size, under
    the output frame of its time; the in-between columns, which have no input, stay grey. Every
    column is headed by its output time t (in input frame intervals).

    Args:
        inputs (np.ndarray, optional): LR inputs ``(T_in, h, w, 3)`` uint8.
        pred (np.ndarray): Predicted frames ``(T_out, H, W, 3)`` uint8.
        gt (np.ndarray, optional): Ground truth of the shape of ``pred``.
        input_indices (Sequence[int]): Output frame of each input.
        max_panel_width (int, optional): Panels wider than this are shrunk to it (inputs by pixel
            repetition, frames by area averaging). Default: 320.

    Returns:
        np.ndarray: The picture, uint8, channels as given.
    """
    num_out, height, width = pred.shape[:3]
    factor = 1.0 if not max_panel_width else min(1.0, max_panel_width / width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))

    def fit(frame, interpolation=cv2.INTER_AREA):
        return frame if frame.shape[1::-1] == size else cv2.resize(
            frame, size, interpolation=interpolation)

    rows = []
    if inputs is not None:
        row = [np.full((size[1], size[0], 3), 128, np.uint8) for _ in range(num_out)]
        for index, frame in zip(input_indices, inputs):
            if 0 <= index < num_out:
                row[index] = fit(frame, cv2.INTER_NEAREST)
        rows.append(('input', row))
    rows.append(('output', [fit(frame) for frame in pred]))
    if gt is not None:
        rows.append(('GT', [fit(frame) for frame in gt]))
    span = max(1, (num_out - 1) / max(1, len(input_indices) - 1)) if len(input_indices) > 1 else 1
    head = [_text(LABEL_WIDTH, BAR, '')]
    head += [_text(size[0], BAR, f't={i / span:.2f}') for i in range(num_out)]
    lines = [np.concatenate(head, axis=1)]
    for name, row in rows:
        lines.append(np.concatenate([_text(LABEL_WIDTH, size[1], name)] + row, axis=1))
    return np.concatenate(lines)


@HOOKS.register_module()
class ClipStripHook(Hook):
    """Write a picture of every ``interval``-th validation / test clip to the work dir.

    The stock ``BasicVisualizationHook`` / ``ConcatImageVisualizer`` of MMagic draw images; the
    samples of space-time SR are clips ``(T, C, H, W)`` with more output than input frames. This
    hook draws :func:`clip_strip` of a sample (its inputs enlarged by pixel repetition, the
    predicted frames, the GT frames, the in-between ones included) to
    ``<work_dir>/vis/val_iter_<N>/<key>.png`` during validation after training iteration N, and
    ``<work_dir>/vis/test/<key>.png`` during testing. Only the first sample of every
    ``interval``-th batch is drawn, so that validation keeps its speed.

    Args:
        interval (int): Draw batches 0, interval, 2 * interval, ... Default: 500.
        max_panel_width (int, optional): See :func:`clip_strip`. Default: 320.
        channel_order (str): Channel order of the samples' frames ('BGR', MMagic's order at test
            time, or 'RGB'). Default: 'BGR'.
        out_dir (str, optional): Folder of the pictures. Default: ``<work_dir>/vis``.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 500, max_panel_width: Optional[int] = 320,
                 channel_order: str = 'BGR', out_dir: Optional[str] = None):
        if interval < 1:
            raise ValueError(f'interval must be 1 or more, got {interval}')
        if channel_order not in ('BGR', 'RGB'):
            raise ValueError(f"channel_order must be 'BGR' or 'RGB', got {channel_order!r}")
        self.interval = interval
        self.max_panel_width = max_panel_width
        self.channel_order = channel_order
        self.out_dir = out_dir
        self.written: List[str] = []

    def after_val_iter(self, runner, batch_idx: int, data_batch=None,
                       outputs: Optional[Sequence] = None) -> None:
        self._draw(runner, f'val_iter_{runner.iter}', batch_idx, outputs)

    def after_test_iter(self, runner, batch_idx: int, data_batch=None,
                        outputs: Optional[Sequence] = None) -> None:
        self._draw(runner, 'test', batch_idx, outputs)

    def _draw(self, runner, tag: str, batch_idx: int, outputs: Optional[Sequence]) -> None:
        if batch_idx % self.interval or not outputs:
            return
        sample = outputs[0]
        pred = _frames_uint8(sample.output.pred_img)
        gt = _frames_uint8(sample.gt_img) if 'gt_img' in sample else None
        if gt is not None and gt.shape != pred.shape:
            gt = None
        inputs = _frames_uint8(sample.input) if 'input' in sample else None
        indices = sample.metainfo.get('input_indices')
        if indices is None:  # uniform in time: an input every (T_out - 1) / (T_in - 1) frames
            num_in = 0 if inputs is None else len(inputs)
            step = (len(pred) - 1) // (num_in - 1) if num_in > 1 else 1
            indices = list(range(0, len(pred), step))[:num_in]
        picture = clip_strip(inputs, pred, gt, [int(i) for i in indices], self.max_panel_width)
        if self.channel_order == 'RGB':
            picture = picture[..., ::-1]
        key = str(sample.metainfo.get('key', f'{batch_idx:06d}')).replace('/', '_')
        path = osp.join(self.out_dir or osp.join(runner.work_dir, 'vis'), tag, f'{key}.png')
        os.makedirs(osp.dirname(path), exist_ok=True)
        write_png(path, np.ascontiguousarray(picture))
        self.written.append(path)
