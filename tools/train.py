"""Train a space-time SR model with MMEngine's Runner (MMagic-compatible flags).

Example:
    .venv/bin/python tools/train.py configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py
"""
import argparse
import os
import sys

from _launch import load_run_config, parse_launch_args


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


def main():
    args = parse_args()
    import torch
    from mmengine.runner import Runner

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

    runner = Runner.from_cfg(cfg)
    try:
        runner.train()
    except (NonFiniteTrainingError, CorruptFrameError, CheckpointError,
            FileNotFoundError) as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()
