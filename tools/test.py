"""Evaluate a space-time SR model with MMEngine's Runner (MMagic-compatible flags).

The checkpoint is optional for models without learned weights (the classical baselines).

Example:
    .venv/bin/python tools/test.py configs/baselines/bicubic-flow_x4_vimeo-septuplet.py \
        --cfg-options test_dataloader.dataset.data_root=tests/data/vimeo_septuplet \
        --save-frames work_dirs/demo/frames --out work_dirs/demo/metrics.json
"""
import argparse
import json
import os
import os.path as osp
import sys

from mmengine.config import DictAction
from mmengine.runner import Runner

from mmstvsr.utils.launch import load_run_config


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a space-time SR model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint', nargs='?', help='checkpoint file (not needed for non-learned models)')
    parser.add_argument('--out', help='JSON file to save the metrics to')
    parser.add_argument('--save-frames', help='folder to save the predicted HR frames to')
    parser.add_argument('--work-dir', help='the dir to save logs')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value pairs, e.g. '
        'test_dataloader.dataset.data_root=data/vimeo_septuplet')
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


def write_json(path: str, data) -> None:
    """Write ``data`` as JSON atomically (temporary file, then rename)."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.partial'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)


def main():
    args = parse_args()
    if args.checkpoint is not None and not osp.isfile(args.checkpoint):
        sys.exit(f'checkpoint not found: {args.checkpoint}')
    cfg = load_run_config(args.config, args.cfg_options, args.work_dir, args.launcher)
    cfg.load_from = args.checkpoint
    # testing builds no training parts (non-learned configs define none)
    cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
    cfg.param_scheduler = None
    if args.save_frames:
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='SaveFramesHook', out_dir=args.save_frames)
        ]

    runner = Runner.from_cfg(cfg)
    if args.checkpoint is None and any(p.requires_grad for p in runner.model.parameters()):
        sys.exit(f'{args.config} defines a learned model: give its CHECKPOINT '
                 '(only non-learned models are tested without one)')
    metrics = runner.test()
    if args.out:
        write_json(args.out, metrics)
        print(f'metrics written to {args.out}')


if __name__ == '__main__':
    main()
