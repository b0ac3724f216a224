"""Train a space-time SR model with MMEngine's Runner (MMagic-compatible flags).

Example:
    .venv/bin/python tools/train.py configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py
"""
import argparse
import os
import sys

from _launch import QuietConsole, build_runner, load_run_config, parse_launch_args


def parse_args():
    parser = argparse.ArgumentParser(description='Train a space-time SR model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or (no value) from the latest checkpoint in '
        'the work dir')
    parser.add_argument(
        '--amp', action='store_true', help='enable automatic mixed precision training')
    return parse_launch_args(parser, 'train_dataloader.dataset.data_root=data/vimeo_septuplet')


def channels_last_on_cpu(runner) -> None:
    """Train a CPU model with its weights in channels_last (``fast_path.default_path``): the same
    values and parameters, faster oneDNN convolutions (one iteration of stinet_tiny.py: 48 s
    instead of 67 s on the 2-core CI machine). Left as it is on GPUs and under DDP, whose
    gradient buckets were laid out when the Runner wrapped the model."""
    from mmstvsr.utils.fast_path import default_path, prepare_model
    params = list(runner.model.parameters())
    if runner.distributed or not params or params[0].device.type != 'cpu':
        return
    prepare_model(runner.model, default_path('cpu'))


def main():
    args = parse_args()
    import torch

    from mmstvsr.datasets import CorruptFrameError
    from mmstvsr.engine import NonFiniteTrainingError
    from mmstvsr.utils.checkpoint import CheckpointError

    cfg = load_run_config(args.config, args.cfg_options, args.work_dir, args.launcher)

    if args.amp:
        if not torch.cuda.is_available():
            sys.exit('--amp (mixed precision) needs a CUDA GPU; none is visible: train without it')
        optim_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_type != 'OptimWrapper':
            sys.exit(f'--amp needs optim_wrapper.type OptimWrapper, the config has {optim_type}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')

    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        if not os.path.isfile(args.resume):
            sys.exit(f'--resume: checkpoint not found: {args.resume}')
        cfg.resume = True
        cfg.load_from = args.resume

    # the loss lines stay; MMEngine's environment, config and hooks only with --verbose
    runner = build_runner(cfg, None if args.verbose else QuietConsole())
    channels_last_on_cpu(runner)
    try:
        runner.train()
    except (NonFiniteTrainingError, CorruptFrameError, CheckpointError,
            FileNotFoundError) as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()
