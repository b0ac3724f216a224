"""Protocol-exact metric for space-time video super-resolution (STVSR).

The benchmark protocol of STVSR papers (e.g. Zooming Slow-Mo, TMNet):

1. every output and ground-truth frame is clamped to ``[0, 255]`` and rounded
   to ``uint8`` values;
2. PSNR and SSIM are computed on the Y channel of ITU-R BT.601 YCbCr
   (MATLAB ``rgb2ycbcr``, 16-235 range):
   ``Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255``, kept as float64;
   SSIM is Wang et al.'s (11x11 Gaussian window, sigma 1.5, valid region);
   RGB-PSNR is computed over all three channels in ``[0, 255]``;
3. values are averaged over the frames of each clip first, then over clips (the Zooming Slow-Mo
   and TMNet scripts); RSTT's hierarchical average (frames -> clip -> video -> dataset, the video
   being the first component of a Vimeo clip name such as ``00001`` of ``00001/0266``) is the
   ``average='video'`` option;
4. when a long clip is tested in overlapping windows (Vid4), every ground-truth frame is counted
   exactly once: samples carrying ``frame_ids`` (the index in the clip of each output frame) skip
   the frames of their clip that an earlier sample already counted.
"""
from collections import OrderedDict
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmagic.evaluation.metrics.metrics_utils import obtain_data
from mmagic.evaluation.metrics.ssim import _ssim
from mmagic.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from mmstvsr.utils.colour import BT601_OFFSETS, BT601_RGB_TO_YCBCR

__all__ = ['STVSRMetric']

_ALL_METRICS = ('Y-PSNR', 'Y-SSIM', 'RGB-PSNR')
# Weights of R, G and B in the BT.601 luma of MATLAB ``rgb2ycbcr``, and its offset.
_Y_WEIGHTS_RGB = np.array(BT601_RGB_TO_YCBCR[0]) / 255.
_Y_OFFSET = BT601_OFFSETS[0]


def _psnr(img1: np.ndarray, img2: np.ndarray) -> float:
    """PSNR of two float64 images in ``[0, 255]``; ``inf`` if identical."""
    mse = np.mean((img1 - img2)**2)
    if mse == 0:
        return float('inf')
    return float(10. * np.log10(255.**2 / mse))


@METRICS.register_module()
class STVSRMetric(BaseMetric):
    """Y-PSNR, Y-SSIM and RGB-PSNR following the STVSR benchmark protocol.

    Each data sample (a dict, as produced by ``DataSample.to_dict()``) holds
    ``output.pred_img`` and ``gt_img``, tensors of shape ``(T, C, H, W)`` (or
    ``(C, H, W)`` for a single frame) with values in ``[0, 255]``, and a
    ``key`` such as ``'00001/0266'`` in its metainfo. Samples are grouped
    into clips by the metainfo field ``clip`` when present (e.g. sliding
    windows of a long video), otherwise by ``key``. An optional metainfo
    field ``frame_ids`` (one int per output frame: its index in the clip)
    makes frames already counted for the clip be skipped.

    The metric works with both mmengine's ``Evaluator`` (which calls
    ``evaluate(size)``) and mmagic's ``Evaluator`` (which calls
    ``prepare(module, dataloader)`` and then ``evaluate()``).

    Args:
        crop_border (int): Pixels cropped from each edge of every frame
            before evaluation. Defaults to 0.
        channel_order (str): Channel order of ``pred_img`` and ``gt_img``,
            ``'BGR'`` (what mmagic's data preprocessor hands over at test
            time) or ``'RGB'``. Defaults to 'BGR'.
        average (str): ``'clip'`` averages over the frames of each clip and
            then over clips; ``'video'`` then over the clips of each video
            (the clip name up to its first ``/``) and then over videos
            (RSTT's hierarchical average); ``'frame'`` averages over all
            frames of the dataset. Defaults to 'clip'.
        metrics (Sequence[str]): Subset of ``('Y-PSNR', 'Y-SSIM',
            'RGB-PSNR')`` to compute. Defaults to all three.
        frames (Sequence[int], optional): Indices of the output frames of each sample that are
            scored, e.g. ``[1]`` for the middle frame of a triplet (the protocol of the
            Dual-Stream Fusion Network paper). Default: None (all frames).
        table_rows (int, optional): Clips shown in the logged per-clip
            table, the first ones, followed by a line counting the others
            (all are in ``per_clip``, which ``tools/test.py --out`` saves as
            CSV). None shows all. Defaults to 20.
        collect_device (str): Device used to collect results across ranks,
            'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the metric names. Defaults to None,
            i.e. names are plain ``'Y-PSNR'`` etc.

    Attributes:
        per_clip (list[dict]): After :meth:`compute_metrics`, one dict per
            clip with ``clip``, ``num_frames`` and the mean of each metric.
        per_video (list[dict]): Likewise per video (``video``,
            ``num_clips``, ``num_frames``, the mean over its clips).
    """

    default_prefix = ''
    # Hooks read by mmagic's Evaluator.
    SAMPLER_MODE = 'normal'
    sample_model = 'orig'

    def __init__(self,
                 crop_border: int = 0,
                 channel_order: str = 'BGR',
                 average: str = 'clip',
                 metrics: Sequence[str] = _ALL_METRICS,
                 frames: Optional[Sequence[int]] = None,
                 table_rows: Optional[int] = 20,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(metrics, str):
            metrics = [metrics]
        unknown = [m for m in metrics if m not in _ALL_METRICS]
        if unknown or not metrics:
            raise ValueError(f'metrics must be a non-empty subset of '
                             f'{_ALL_METRICS}, but got {tuple(metrics)}.')
        if channel_order.upper() not in ('BGR', 'RGB'):
            raise ValueError("channel_order must be 'BGR' or 'RGB', but got "
                             f'{channel_order!r}.')
        if average not in ('clip', 'video', 'frame'):
            raise ValueError("average must be 'clip', 'video' or 'frame', but "
                             f'got {average!r}.')
        self.crop_border = crop_border
        self.channel_order = channel_order.upper()
        self.average = average
        self.metrics = list(metrics)
        self.frames = None if frames is None else [int(i) for i in frames]
        self.table_rows = table_rows
        self.per_clip: List[dict] = []
        self.per_video: List[dict] = []
        self.size: Optional[int] = None

    def _to_frames(self, img, key: str, name: str) -> np.ndarray:
        """Convert a sample image to clamped, rounded float64 frames.

        Args:
            img (torch.Tensor | np.ndarray): Image of shape ``(T, C, H, W)``
                or ``(C, H, W)``, values in ``[0, 255]``.
            key (str): Key of the sample, for error messages.
            name (str): Name of the field, for error messages.

        Returns:
            np.ndarray: Frames of shape ``(T, H, W, 3)`` in RGB order, with
            integer values in ``[0, 255]`` stored as float64, and
            ``crop_border`` pixels removed from each edge.
        """
        if isinstance(img, torch.Tensor):
            img = img.detach().cpu().numpy()
        img = np.asarray(img, dtype=np.float64)
        if img.ndim == 3:
            img = img[None]
        if img.ndim != 4 or img.shape[1] != 3:
            raise ValueError(f'{name} of sample {key!r} must have shape '
                             f'(T, 3, H, W) or (3, H, W), got {img.shape}.')
        img = np.round(np.clip(img, 0, 255)).transpose(0, 2, 3, 1)
        if self.channel_order == 'BGR':
            img = img[..., ::-1]
        if self.crop_border > 0:
            c = self.crop_border
            img = img[:, c:-c, c:-c, :]
        return img

    def _frame_metrics(self, pred: np.ndarray, gt: np.ndarray) -> dict:
        """Metrics of one frame pair of shape ``(H, W, 3)``, RGB, float64."""
        result = {}
        if 'RGB-PSNR' in self.metrics:
            result['RGB-PSNR'] = _psnr(pred, gt)
        pred_y = _Y_OFFSET + pred @ _Y_WEIGHTS_RGB
        gt_y = _Y_OFFSET + gt @ _Y_WEIGHTS_RGB
        if 'Y-PSNR' in self.metrics:
            result['Y-PSNR'] = _psnr(pred_y, gt_y)
        if 'Y-SSIM' in self.metrics:
            result['Y-SSIM'] = float(_ssim(pred_y, gt_y))
        return result

    def process(self, data_batch: Optional[dict],
                data_samples: Sequence[dict]) -> None:
        """Compute per-frame metrics of a batch of samples.

        Appends one dict per sample to ``self.results`` with ``clip``,
        ``key`` and, for each metric, the list of its per-frame values.

        Args:
            data_batch (dict, optional): A batch from the dataloader (unused).
            data_samples (Sequence[dict]): Data samples with
                ``output.pred_img`` and ``gt_img`` of shape
                ``(T, C, H, W)`` and a ``key`` in their metainfo.

        Raises:
            KeyError: If a data sample has no ``key``.
            ValueError: If prediction and ground truth shapes differ.
        """
        for data in data_samples:
            meta = {**data.get('metainfo', {}), **data}
            if 'key' not in meta:
                raise KeyError(
                    "STVSRMetric needs a 'key' (and optionally a 'clip') in "
                    'the metainfo of each data sample, e.g. '
                    "PackInputs(meta_keys=['key', 'clip']).")
            key = str(meta['key'])
            clip = str(meta.get('clip', key))
            pred_raw = obtain_data(data['output'], 'pred_img')
            gt_raw = obtain_data(data, 'gt_img')
            if tuple(pred_raw.shape) != tuple(gt_raw.shape):
                raise ValueError(
                    f'Prediction and ground truth of sample {key!r} differ '
                    f'in shape: pred {tuple(pred_raw.shape)} vs gt '
                    f'{tuple(gt_raw.shape)}.')
            pred = self._to_frames(pred_raw, key, 'pred_img')
            gt = self._to_frames(gt_raw, key, 'gt_img')

            frame_ids = meta.get('frame_ids')
            if frame_ids is not None:
                frame_ids = [int(i) for i in frame_ids]
                if len(frame_ids) != len(pred):
                    raise ValueError(
                        f'sample {key!r} has {len(pred)} frames but '
                        f'{len(frame_ids)} frame_ids.')
            if self.frames is not None:
                if max(self.frames) >= len(pred) or min(self.frames) < -len(pred):
                    raise ValueError(f'frames={self.frames} selects frames that sample {key!r} '
                                     f'({len(pred)} frames) does not have')
                pred, gt = pred[self.frames], gt[self.frames]
                frame_ids = None if frame_ids is None else [frame_ids[i] for i in self.frames]
            per_frame = [self._frame_metrics(p, g) for p, g in zip(pred, gt)]
            self.results.append(
                dict(
                    clip=clip,
                    key=key,
                    frame_ids=frame_ids,
                    **{m: [f[m] for f in per_frame]
                       for m in self.metrics}))

    def compute_metrics(self, results: List[dict]) -> dict:
        """Average the per-frame values, log a per-clip table.

        Args:
            results (list[dict]): Per-sample results from :meth:`process`.

        Returns:
            dict: The mean of each selected metric, e.g.
            ``{'Y-PSNR': 33.2, 'Y-SSIM': 0.93, 'RGB-PSNR': 31.5}``.
        """
        clips = OrderedDict()
        counted = {}
        for res in results:
            frames = clips.setdefault(res['clip'],
                                      {m: [] for m in self.metrics})
            seen = counted.setdefault(res['clip'], set())
            ids = res.get('frame_ids') or [None] * len(res[self.metrics[0]])
            for i, frame_id in enumerate(ids):
                if frame_id is not None:
                    if frame_id in seen:
                        continue
                    seen.add(frame_id)
                for m in self.metrics:
                    frames[m].append(res[m][i])

        self.per_clip = []
        for clip, frames in clips.items():
            row = dict(clip=clip, num_frames=len(frames[self.metrics[0]]))
            row.update({m: float(np.mean(v)) for m, v in frames.items()})
            self.per_clip.append(row)
        videos = OrderedDict()
        for row in self.per_clip:
            videos.setdefault(row['clip'].split('/')[0], []).append(row)
        self.per_video = [
            dict(video=video, num_clips=len(rows),
                 num_frames=sum(r['num_frames'] for r in rows),
                 **{m: float(np.mean([r[m] for r in rows]))
                    for m in self.metrics})
            for video, rows in videos.items()
        ]

        if self.average == 'frame':
            pooled = {
                m: [v for frames in clips.values() for v in frames[m]]
                for m in self.metrics
            }
        else:
            rows = self.per_clip if self.average == 'clip' else self.per_video
            pooled = {m: [row[m] for row in rows] for m in self.metrics}
        summary = {m: float(np.mean(v)) for m, v in pooled.items()}
        print_log('\n' + self._format_table(summary), logger='current')
        return summary

    def _format_table(self, summary: dict) -> str:
        """Format ``self.per_clip`` (its first ``table_rows`` clips) and
        ``summary`` as a text table."""
        header = ['clip', 'frames'] + self.metrics
        shown = self.per_clip[:self.table_rows]
        rows = [[row['clip'], str(row['num_frames'])] +
                [f'{row[m]:.4f}' for m in self.metrics]
                for row in shown]
        total = sum(row['num_frames'] for row in self.per_clip)
        mean_row = [f'mean ({self.average})', str(total)]
        mean_row += [f'{summary[m]:.4f}' for m in self.metrics]
        widths = [
            max(len(r[i]) for r in [header, mean_row] + rows)
            for i in range(len(header))
        ]

        def fmt(cells):
            return '  '.join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(cells, widths)))

        rule = '-' * len(fmt(header))
        title = (f'STVSRMetric: BT.601 Y / RGB on uint8 frames, '
                 f'crop_border={self.crop_border}, {len(self.per_clip)} '
                 f'clips, average over {self.average}s')
        more = len(self.per_clip) - len(shown)
        if more:
            rows.append([f'... {more} more clips (all in the CSV of '
                         'tools/test.py --out)'])
        return '\n'.join([title, fmt(header), rule] +
                         [fmt(r) if len(r) > 1 else r[0] for r in rows] +
                         [rule, fmt(mean_row)])

    def prepare(self, module: torch.nn.Module,
                dataloader: DataLoader) -> None:
        """Record the dataset size; called by mmagic's ``Evaluator``.

        Args:
            module (torch.nn.Module): The evaluated model (unused).
            dataloader (DataLoader): The evaluation dataloader.
        """
        self.size = len(dataloader.dataset)

    def get_metric_sampler(self, model: torch.nn.Module,
                           dataloader: DataLoader,
                           metrics: Sequence[BaseMetric]) -> DataLoader:
        """Return the dataloader itself; called by mmagic's ``Evaluator``."""
        return dataloader

    def evaluate(self, size: Optional[int] = None) -> dict:
        """Evaluate over the whole dataset.

        Args:
            size (int, optional): Length of the dataset. Defaults to the one
                recorded by :meth:`prepare`, else the number of results.

        Returns:
            dict: The computed metrics.
        """
        if size is None:
            size = len(self.results) if self.size is None else self.size
        return super().evaluate(size)
