"""Evaluate a space-time SR model with MMEngine's Runner (MMagic-compatible flags).

The checkpoint is optional for models without trainable weights: the classical baselines, and
cascades whose learned parts are frozen and read from files named in the config.

Example:
    .venv/bin/python tools/test.py configs/baselines/bicubic-flow_x4_vimeo-septuplet.py \
        --cfg-options test_dataloader.dataset.data_root=tests/data/vimeo_septuplet \
        --save-frames work_dirs/demo/frames --out work_dirs/demo/metrics.json
"""
import argparse
import csv
import io
import json
import os.path as osp
import sys
import time

from _launch import QuietConsole, build_runner, load_run_config, parse_launch_args


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a space-time SR model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint', nargs='?', help='checkpoint file (not needed for non-learned models)')
    parser.add_argument(
        '--out',
        help='JSON file to save the metrics to (the dataset means, and per clip and per video); '
        'the per-clip table also goes to a CSV file of the same name')
    parser.add_argument('--save-frames', help='folder to save the predicted HR frames to')
    parser.add_argument('--work-dir', help='the dir to save logs')
    parser.add_argument(
        '--precision',
        choices=('fp32', 'bf16', 'fp16'),
        default='fp32',
        help='fp32 (default), bf16 (CPUs with AVX512-BF16/AMX, CUDA) or fp16 (CUDA): autocast '
        'dtype of the generator; channels_last where faster (mmstvsr.utils.fast_path)')
    return parse_launch_args(parser, 'test_dataloader.dataset.data_root=data/vimeo_septuplet')


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file, then rename)."""
    from mmstvsr.utils.files import atomic_output
    with atomic_output(path) as tmp, open(tmp, 'w', newline='') as f:
        f.write(text)


def save_results(path: str, metrics: dict, evaluator_metrics: list, args) -> list:
    """Save the dataset means and each metric's per-clip / per-video rows as JSON and CSV.

    Args:
        path (str): JSON path; the per-clip rows also go to ``<path without .json>.csv``.
        metrics (dict): What ``Runner.test()`` returned.
        evaluator_metrics (list): The evaluator's metric objects (``STVSRMetric`` keeps
            ``per_clip`` and ``per_video``).
        args: Command-line arguments, recorded with the results.

    Returns:
        list[str]: The files written.
    """
    per_clip = [row for m in evaluator_metrics for row in getattr(m, 'per_clip', [])]
    per_video = [row for m in evaluator_metrics for row in getattr(m, 'per_video', [])]
    data = dict(config=args.config, checkpoint=args.checkpoint, metrics=metrics,
                per_clip=per_clip, per_video=per_video)
    write_atomic(path, json.dumps(data, indent=2))
    csv_path = osp.splitext(path)[0] + '.csv'
    if per_clip:
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(per_clip[0]))
        writer.writeheader()
        writer.writerows(per_clip)
        write_atomic(csv_path, text.getvalue())
    return [path] + ([csv_path] if per_clip else [])


def progress_hook(console=None):
    """A hook showing a progress bar over the test batches (main process only).

    Args:
        console (QuietConsole, optional): The console filter of the Runner's logger, opened while
            the evaluator computes the metrics: its tables (per clip) are shown.
    """
    from mmengine.dist import is_main_process
    from mmengine.hooks import Hook
    from tqdm import tqdm

    class TestProgressBar(Hook):
        priority = 'VERY_LOW'
        bar = None

        def close(self):
            """End the bar's line, e.g. before an error line."""
            if self.bar is not None:
                self.bar.close()

        def before_test(self, runner):
            self.bar = tqdm(total=len(runner.test_dataloader), unit='batch', desc='test',
                            disable=not is_main_process())
            loop = runner.test_loop  # TestLoop has an evaluator, MMagic's MultiTestLoop several
            evaluators = getattr(loop, 'evaluators', None) or [getattr(loop, 'evaluator', None)]
            for evaluator in evaluators:
                if console is not None and evaluator is not None:
                    evaluator.evaluate = console.showing_info(evaluator.evaluate)

        def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            self.bar.update()
            if self.bar.n >= self.bar.total:  # closed before the metrics table is logged
                self.bar.close()

        def after_test_epoch(self, runner, metrics=None):
            self.close()

    return TestProgressBar()


def apply_precision(runner, precision: str):
    """Run the Runner's model on the fast path of ``precision`` (``default_path``): weights in
    channels_last where faster, the generator under autocast with float32 outputs.

    Returns:
        RunPath: The path, or exits with one line when the device cannot run ``precision``.
    """
    from mmengine.device import get_device

    from mmstvsr.utils.fast_path import autocast_forward, default_path, prepare_model
    model = getattr(runner.model, 'module', runner.model)  # unwrapped from DDP
    device = next((p.device for p in model.parameters()), None) or get_device()
    try:
        path = default_path(device, precision)
    except ValueError as err:
        sys.exit(f'error: {err}')
    prepare_model(model, path)
    autocast_forward(getattr(model, 'generator', model), path, device)
    return path


def print_summary(runner, metrics: dict, seconds: float, written: list) -> None:
    """Print the final metrics on one line, then what was tested, the time and the files.

    Args:
        runner (Runner): The Runner that tested.
        metrics (dict): What ``Runner.test()`` returned (None from loops that return nothing).
        seconds (float): The time of the test.
        written (list[str]): The results files written (``--out``).
    """
    if metrics:
        print('  '.join(f'{k}: {v:.4f}' if isinstance(v, float) else f'{k}: {v}'
                        for k, v in metrics.items()))
    log_file = osp.join(runner.log_dir, f'{runner.timestamp}.log')
    files = f"; results: {' and '.join(written)}" if written else ''
    print(f'tested {len(runner.test_dataloader.dataset)} samples in {seconds:.1f} s{files}; '
          f'full log: {log_file}')


def main():
    args = parse_args()
    from mmengine.dist import is_main_process

    from mmstvsr.datasets import CorruptFrameError
    from mmstvsr.utils.checkpoint import CheckpointError
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

    if cfg.get('default_hooks', {}).get('logger') is not None:  # the bar shows the iterations
        cfg.default_hooks.logger.interval = sys.maxsize
    console = None if args.verbose else QuietConsole(info=False)  # the bar, tables, summary
    runner = build_runner(cfg, console)
    bar = progress_hook(console)
    runner.register_hook(bar)
    if args.checkpoint is None:
        try:  # no trainable weights; fixed parts read their weight files (init_cfg), as in training
            runner.model.init_without_checkpoint(args.config, 'CHECKPOINT')
        except (ValueError, FileNotFoundError) as err:
            sys.exit(f'error: {err}')
    apply_precision(runner, args.precision)
    start = time.time()
    try:
        metrics = runner.test()
    except (CorruptFrameError, CheckpointError, FileNotFoundError) as err:  # name file and fix
        bar.close()
        sys.exit(f'error: {err}')
    if is_main_process():  # the per-clip rows exist on the main process only
        written = []
        if args.out:
            written = save_results(args.out, metrics, runner.test_evaluator.metrics, args)
        print_summary(runner, metrics, time.time() - start, written)


if __name__ == '__main__':
    main()
