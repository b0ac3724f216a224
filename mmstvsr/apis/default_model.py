"""The default model of the inference tools: the tiny STINet trained on the bundled real clips."""
import os.path as osp
from typing import Optional, Tuple

from .video_io import InferenceError

#: Repository root (the tools and the default model live in the source tree).
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = osp.join(ROOT, 'configs', 'stinet',
                          'stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py')
DEFAULT_CHECKPOINT = osp.join(ROOT, 'checkpoints', 'stinet-tiny_x4_bundled.pth')


def resolve_model(config: Optional[str],
                  checkpoint: Optional[str]) -> Tuple[str, Optional[str]]:
    """The config and checkpoint to use: the default config (and checkpoint, when none is
    given) without a config.

    Args:
        config (str, optional): Model config given by the user.
        checkpoint (str, optional): Checkpoint given by the user.

    Returns:
        tuple[str, str | None]: Config and checkpoint paths.
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
    return DEFAULT_CONFIG, DEFAULT_CHECKPOINT
