"""The default model of the inference tools, trained by this project on the bundled real clips.

The cascade of configs/cascades/dbpn-tiny-then-flow_x4_vimeo-septuplet.py: each frame super-resolved
by a tiny dense DBPN (trained with tools/train.py on the real training septuplets of tests/data,
weights in ``DEFAULT_CHECKPOINT``, read through the config), the frames in between interpolated
with Farneback flows.
"""
import os.path as osp
from typing import Optional, Tuple, Union

from mmengine.config import Config

from .video_io import InferenceError

#: Repository root (the tools and the default model live in the source tree).
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = osp.join(ROOT, 'configs', 'cascades', 'dbpn-tiny-then-flow_x4_vimeo-septuplet.py')
#: The weights the default config reads (its ``s_sr_checkpoint``).
DEFAULT_CHECKPOINT = osp.join(ROOT, 'checkpoints', 'stinet-tiny-s-sr_x4_bundled.pth')


def resolve_model(config: Optional[str],
                  checkpoint: Optional[str]) -> Tuple[Union[str, Config], Optional[str]]:
    """The config and checkpoint to use: without a config, the default config, which reads its
    weights from ``DEFAULT_CHECKPOINT`` itself (or the given full-model checkpoint).

    Args:
        config (str, optional): Model config given by the user.
        checkpoint (str, optional): Checkpoint given by the user.

    Returns:
        tuple[str | Config, str | None]: Config (path or loaded) and checkpoint path.
    """
    if config is not None:
        return config, checkpoint
    if checkpoint is not None:
        return DEFAULT_CONFIG, checkpoint
    if not osp.isfile(DEFAULT_CHECKPOINT):
        raise InferenceError(
            f'the default checkpoint {DEFAULT_CHECKPOINT} is missing: put it there, or choose a '
            'model with --config CONFIG --checkpoint CKPT (a non-learned one needs no checkpoint, '
            'e.g. --config configs/baselines/bicubic-flow_x4_vimeo-septuplet.py)')
    cfg = Config.fromfile(DEFAULT_CONFIG)
    cfg.model.generator.upsampler.pretrained = DEFAULT_CHECKPOINT  # from any working directory
    return cfg, None
