"""The default model of the inference tools, trained by this project on the bundled real clips.

The cascade of configs/cascades/dbpn-tiny-then-flow_x4_vimeo-septuplet.py: each frame super-resolved
by a tiny dense DBPN (trained with tools/train.py on the real training septuplets of tests/data,
weights in ``DEFAULT_CHECKPOINT``, named by the config, read through its ``init_cfg``), the frames
in between interpolated with Farneback flows.
"""
import os.path as osp
from typing import Optional, Tuple, Union

from mmengine.config import Config

from mmstvsr.utils.resources import DEFAULT_CONFIG_PATH, resource_root
from .video_io import InferenceError

#: Where the configs and the bundled weights are (:func:`resource_root`).
ROOT = resource_root()
DEFAULT_CONFIG = osp.join(ROOT, DEFAULT_CONFIG_PATH)
_S_SR_BASE = osp.join(ROOT, 'configs', '_base_', 'models', 'stinet_tiny_s_sr.py')
#: The weights the default config reads: ``s_sr_checkpoint`` of the base config that names them
#: (relative to the repository root or ``.mim``), as an absolute path (the folder alone when the
#: configs are missing: an install without ``.mim``; :func:`resolve_model` says so).
DEFAULT_CHECKPOINT = osp.join(
    ROOT, Config.fromfile(_S_SR_BASE).s_sr_checkpoint if osp.isfile(_S_SR_BASE) else 'checkpoints')


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
    if not osp.isfile(DEFAULT_CONFIG):
        raise InferenceError(
            f'the default config {DEFAULT_CONFIG} is missing: mmstvsr was installed without its '
            'configs (reinstall it from a wheel or a clone, see setup.py), or choose a model with '
            '--config CONFIG')
    if checkpoint is not None:
        return DEFAULT_CONFIG, checkpoint
    if not osp.isfile(DEFAULT_CHECKPOINT):
        raise InferenceError(
            f'the default checkpoint {DEFAULT_CHECKPOINT} is missing: put it there, or choose a '
            'model with --config CONFIG --checkpoint CKPT (a non-learned one needs no checkpoint, '
            'e.g. --config configs/baselines/bicubic-flow_x4_vimeo-septuplet.py)')
    cfg = Config.fromfile(DEFAULT_CONFIG)
    cfg.model.generator.upsampler.init_cfg.checkpoint = DEFAULT_CHECKPOINT  # from any directory
    return cfg, None
