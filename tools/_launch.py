"""Command line and config handling shared by ``tools/train.py`` and ``tools/test.py``.

They import it as ``_launch`` (their folder is first on ``sys.path``).
"""
import argparse
import functools
import logging
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
    """Add MMagic's ``--cfg-options``, ``--launcher`` and ``--local-rank`` flags, and
    ``--verbose``, and parse.

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
    parser.add_argument(
        '--verbose',
        action='store_true',
        help="show MMEngine's whole log on the console (environment, config, hooks...); it is "
        'always in the log file of the work dir')
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


#: MMEngine's start-up dump, as ``(module, function)`` of its log records: the environment and the
#: config (``Runner._log_env``) and the order of the hooks (``Runner.__init__``), ~280 lines.
START_UP_DUMP = frozenset({('runner', '_log_env'), ('runner', '__init__')})


class QuietConsole(logging.Filter):
    """The filter of the console handler of a Runner's logger (the log file gets everything).

    Warnings and errors always pass, MMEngine's start-up dump never does, and other INFO records
    (e.g. training's loss lines) pass while :attr:`info` is True.

    Args:
        info (bool): Whether INFO records other than the dump reach the console.
    """

    def __init__(self, info: bool = True) -> None:
        super().__init__()
        self.info = info

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return self.info and (record.module, record.funcName) not in START_UP_DUMP

    def showing_info(self, func):
        """``func`` wrapped so that the INFO records it logs reach the console."""

        @functools.wraps(func)
        def shown(*args, **kwargs):
            info, self.info = self.info, True
            try:
                return func(*args, **kwargs)
            finally:
                self.info = info

        return shown


def build_runner(cfg: Config, console: Optional[QuietConsole] = None):
    """``Runner.from_cfg(cfg)``, its logger's console handler filtered by ``console``.

    The filter is in place before the Runner logs its first line (the start-up dump is logged while
    it is built); the log file handler is left as it is.

    Args:
        cfg (Config): The ready config (:func:`load_run_config`).
        console (QuietConsole, optional): The console filter; None (``--verbose``) shows MMEngine's
            whole log.

    Returns:
        Runner: The Runner.
    """
    from mmengine.runner import Runner

    class QuietRunner(Runner):

        def build_logger(self, *args, **kwargs):
            logger = super().build_logger(*args, **kwargs)
            for handler in logger.handlers:
                if not isinstance(handler, logging.FileHandler):  # the console's StreamHandler
                    handler.addFilter(console)
            return logger

    return (Runner if console is None else QuietRunner).from_cfg(cfg)
