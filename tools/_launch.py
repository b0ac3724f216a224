"""Command line and config handling shared by ``tools/train.py`` and ``tools/test.py``.

They import it as ``_launch`` (their folder is first on ``sys.path``).
"""
import argparse
import os
import os.path as osp
import warnings
from typing import Optional

# light; torch, MMEngine's Runner and mmagic are imported after parsing: --help is fast
from mmengine.config import Config, DictAction

# transformers and diffusers, imported by mmagic, call a torch API deprecated since torch 2.2
warnings.filterwarnings('ignore', r'`torch\.utils\._pytree\._register_pytree_node` is deprecated',
                        FutureWarning)


def parse_launch_args(parser: argparse.ArgumentParser,
                      example_override: str) -> argparse.Namespace:
    """Add MMagic's ``--cfg-options``, ``--launcher`` and ``--local-rank`` flags and parse.

    ``LOCAL_RANK`` is exported from ``--local-rank`` when the launcher has not set it.

    Args:
        parser (ArgumentParser): The tool's parser with its own arguments.
        example_override (str): A ``key=value`` shown in ``--cfg-options``' help.

    Returns:
        Namespace: The parsed arguments.
    """
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help=f'override settings in the config, key=value pairs, e.g. {example_override}')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def load_run_config(config: str,
                    cfg_options: Optional[dict] = None,
                    work_dir: Optional[str] = None,
                    launcher: str = 'none') -> Config:
    """Load a config for a Runner job the way MMagic's tools do.

    ``work_dir`` is taken in the order CLI > config > ``./work_dirs/<config name>``. A ``pytorch``
    (torchrun) job on a machine without a visible GPU runs its processes on the CPU with the
    ``gloo`` backend: MMEngine's own initialisation would call ``torch.cuda.set_device``.

    Args:
        config (str): Config file path.
        cfg_options (dict, optional): ``--cfg-options`` overrides.
        work_dir (str, optional): ``--work-dir``.
        launcher (str): ``--launcher``.

    Returns:
        Config: The ready config.
    """
    import torch
    import torch.distributed as dist
    from mmengine.logging import print_log

    if not osp.isfile(config):
        raise FileNotFoundError(f'config file not found: {config}')
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config))[0])
    if launcher == 'pytorch' and not torch.cuda.is_available() and not dist.is_initialized():
        print_log('no GPU visible: distributed processes run on the CPU with the gloo backend',
                  logger='current')
        cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
        dist.init_process_group(backend='gloo')  # rank and world size from torchrun's env
        # MMEngine's default wrapper passes device_ids=[LOCAL_RANK], which DDP refuses on the CPU
        if cfg.get('model_wrapper_cfg') is None:
            cfg.model_wrapper_cfg = dict(
                type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False)
    return cfg
