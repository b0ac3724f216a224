"""Write the predicted HR frames of a test run to disk."""
import os
import os.path as osp
from typing import Optional, Sequence

from mmagic.registry import HOOKS
from mmengine.hooks import Hook

from mmstvsr.utils.files import write_png


@HOOKS.register_module()
class SaveFramesHook(Hook):
    """Save every predicted frame as ``<out_dir>/<clip key>/<index:04d>.png`` during testing.

    Predictions come from the model de-normalised to [0, 255] in the data preprocessor's output
    order (BGR, as MMagic hands them to metrics); they are rounded to uint8 as the benchmark
    protocol does. Each file is written under a temporary name and renamed, so an interrupted run
    never leaves a half-written PNG.

    Args:
        out_dir (str): Output folder.
        channel_order (str): Channel order of ``pred_img``: 'BGR' (MMagic's test-time order) or
            'RGB'. Default: 'BGR'.
    """

    priority = 'LOW'

    def __init__(self, out_dir: str, channel_order: str = 'BGR'):
        if channel_order not in ('BGR', 'RGB'):
            raise ValueError(f"channel_order must be 'BGR' or 'RGB', got {channel_order!r}")
        self.out_dir = out_dir
        self.channel_order = channel_order

    def after_test_iter(self, runner, batch_idx: int, data_batch=None,
                        outputs: Optional[Sequence] = None) -> None:
        for sample in outputs or []:
            frames = sample.output.pred_img
            frames = frames[None] if frames.dim() == 3 else frames  # (T, C, H, W)
            frames = frames.clamp(0, 255).round().byte().permute(0, 2, 3, 1).numpy()
            clip_dir = osp.join(self.out_dir, sample.metainfo.get('key', f'{batch_idx:06d}'))
            os.makedirs(clip_dir, exist_ok=True)
            for i, frame in enumerate(frames):
                if self.channel_order == 'RGB':
                    frame = frame[..., ::-1]
                write_png(osp.join(clip_dir, f'{i:04d}.png'), frame)
