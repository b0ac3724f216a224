"""Inference speed of a space-time SR model, and how close it runs to the machine's conv peak.

Builds the model of an mmstvsr config as ``model_complexity.py`` does (no ``init_weights()``: the
weights are random, which does not change the speed) and times ``model(inputs, mode='tensor')``
under ``torch.no_grad()`` on a random clip of ``T`` LR frames (zero ``extra_inputs`` flows, whose
Farneback estimation in the data pipeline is not timed): ``--warmup`` untimed calls, then
``--runs`` timed ones. Reported: the median and the minimum seconds per call and every run,
the throughput in OUTPUT frames per second (output frames per call / median seconds), the
parameters, and the FLOPs of one call as ``model_complexity.py`` counts them (FLOPs = 2 x MACs,
deformable convolutions included), with the share of mmcv's modulated deformable convolution:
on a CPU it runs much slower per FLOP than a dense convolution.

Speeds depend on the machine; to compare them across machines the same run also times a dense
3x3 convolution, 64 -> 64 channels on a batch of LR-sized maps (``T`` maps, more when needed to
reach ``--conv-gflops`` per call), on the same device and in the same precision, and reports
its achieved FLOP/s as the machine's practical peak. The model's achieved FLOP/s (FLOPs per call /
median seconds) divided by it is the model's "fraction of the dense-conv peak".

On CUDA the device is synchronised around every timed call. ``--fp16`` runs both under CUDA
autocast (float16). ``--threads`` sets the CPU threads (``torch.set_num_threads``). A timing is
of the whole process' share of the machine: other jobs running at the same time slow it down.

Example:
    .venv/bin/python tools/analysis/benchmark_speed.py \
        configs/stinet/stinet_tiny.py --runs 3 --warmup 1 --json speed.json
"""
import argparse
import math
import os.path as osp
import platform
import statistics
import sys
import time
from contextlib import ExitStack
from typing import Callable, List, Optional, Sequence

import torch
import torch.nn as nn

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))  # the sibling model_complexity.py
import model_complexity as complexity  # noqa: E402

CONV_CHANNELS = 64  # the reference dense convolution: 3x3, 64 -> 64 channels
DEFAULT_CONV_GFLOPS = dict(cpu=4.0, cuda=200.0)  # its minimum GFLOPs per call, per device type
LONG_CALL_S = 1.0  # timed or warm-up calls at least this long print a progress line each


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command-line arguments (``argv``, default ``sys.argv[1:]``), checked."""
    parser = argparse.ArgumentParser(
        description='Time the inference of a space-time SR model (output frames per second) and '
        'a dense 3x3 convolution on the same device, and report the model\'s achieved FLOP/s as '
        'a fraction of the convolution\'s. The model is built without init_weights(): no '
        'pretrained weights are loaded, so their files need not exist.')
    complexity.add_model_arguments(
        parser,
        device_help='cpu, cuda or cuda:N (default: cpu; large models at the default input size '
        'take minutes per call on a CPU: use a smaller --input-shape)')
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed calls before timing (default: 1)')
    parser.add_argument(
        '--runs', type=int, default=5, help='timed calls, whose median is reported (default: 5)')
    parser.add_argument(
        '--fp16', action='store_true', help='run under CUDA autocast in float16 (CUDA only)')
    parser.add_argument(
        '--threads', type=int, help='CPU threads (torch.set_num_threads; default: torch\'s)')
    parser.add_argument(
        '--conv-gflops',
        type=float,
        help='minimum GFLOPs of one call of the reference dense conv, reached by growing its '
        'batch of LR-sized maps (default: {})'.format(', '.join(
            f'{v:g} on {k}' for k, v in DEFAULT_CONV_GFLOPS.items())))
    args = parser.parse_args(argv)
    complexity.check_model_arguments(parser, args)
    if args.device.type not in DEFAULT_CONV_GFLOPS:
        parser.error(f'--device {args.device}: this tool times on cpu or cuda[:N] only')
    if args.fp16 and args.device.type != 'cuda':
        parser.error('--fp16 runs under CUDA autocast and needs --device cuda; on a CPU leave out '
                     '--fp16 (float32)')
    if args.warmup < 0 or args.runs < 1:
        parser.error(f'--warmup needs >= 0 and --runs >= 1 calls, got {args.warmup} and '
                     f'{args.runs}')
    if args.threads is not None and args.threads < 1:
        parser.error(f'--threads needs >= 1, got {args.threads}')
    if args.conv_gflops is None:
        args.conv_gflops = DEFAULT_CONV_GFLOPS[args.device.type]
    elif args.conv_gflops <= 0:
        parser.error(f'--conv-gflops needs a positive number, got {args.conv_gflops}')
    return args


# ------------------------------------------------------------------ timing
def log(message: str) -> None:
    """A progress message, on stderr (stdout keeps the table)."""
    print(message, file=sys.stderr, flush=True)


def time_calls(fn: Callable[[], object], warmup: int, runs: int, device: torch.device,
               label: str) -> List[float]:
    """Wall-clock seconds of each of ``runs`` calls of ``fn``, after ``warmup`` untimed calls.

    On CUDA the device is synchronised before and after each call. Calls that take at least
    :data:`LONG_CALL_S` seconds print a progress line each.
    """
    log(f'timing {label}: {warmup} warm-up + {runs} timed calls')
    times = []
    for k in range(warmup + runs):
        if device.type == 'cuda':
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        fn()
        if device.type == 'cuda':
            torch.cuda.synchronize(device)
        elapsed = time.perf_counter() - start
        if k >= warmup:
            times.append(elapsed)
        if elapsed >= LONG_CALL_S:
            phase = f'warm-up {k + 1}/{warmup}' if k < warmup else f'run {k - warmup + 1}/{runs}'
            log(f'  {label}, {phase}: {elapsed:.2f} s')
    return times


def summarize(times: Sequence[float], flops: int) -> dict:
    """Per-run seconds, their median and minimum, and the FLOP/s achieved at the median."""
    median = statistics.median(times)
    return dict(
        times_s=list(times),
        median_s=median,
        min_s=min(times),
        gflops_per_s=flops / median / 1e9)


def inference_mode(device: torch.device, fp16: bool) -> ExitStack:
    """``torch.no_grad()``, and CUDA autocast to float16 when ``fp16``."""
    stack = ExitStack()
    stack.enter_context(torch.no_grad())
    if fp16:
        stack.enter_context(torch.autocast(device.type, dtype=torch.float16))
    return stack


def time_model(model: nn.Module, args: argparse.Namespace) -> List[float]:
    """Seconds of each timed ``model(inputs, data_samples, mode='tensor')`` call."""
    model = model.to(args.device)
    inputs, data_samples = complexity.make_inputs(model, args.input_shape, args.device)
    forward = complexity.TensorForward(model, data_samples)
    with inference_mode(args.device, args.fp16):
        return time_calls(lambda: forward(inputs), args.warmup, args.runs, args.device, 'model')


def dense_conv_peak(input_shape: Sequence[int], args: argparse.Namespace) -> dict:
    """Time the reference dense 3x3 convolution (the machine's practical peak FLOP/s).

    Its input is a batch of ``CONV_CHANNELS``-channel maps of the LR size, ``T`` of them or more
    to reach ``args.conv_gflops`` per call. FLOPs = 2 x MACs, MACs = output elements x input
    channels x 9, as counted for the model (bias not counted).
    """
    t, h, w = input_shape
    macs_per_map = CONV_CHANNELS * h * w * CONV_CHANNELS * 9
    batch = max(t, math.ceil(args.conv_gflops * 1e9 / (2 * macs_per_map)))
    conv = nn.Conv2d(CONV_CHANNELS, CONV_CHANNELS, 3, padding=1).to(args.device).eval()
    maps = torch.rand(batch, CONV_CHANNELS, h, w, device=args.device)
    flops = 2 * batch * macs_per_map
    with inference_mode(args.device, args.fp16):
        times = time_calls(lambda: conv(maps), args.warmup, args.runs, args.device,
                           'dense 3x3 conv')
    return dict(
        layer=f'Conv2d({CONV_CHANNELS}, {CONV_CHANNELS}, 3, padding=1)',
        input_shape=list(maps.shape),
        flops_per_call=flops,
        **summarize(times, flops))


def device_name(device: torch.device) -> str:
    """The GPU's name, or the CPU model read from /proc/cpuinfo where there is one."""
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def benchmark(args: argparse.Namespace) -> dict:
    """Count, time and compare the model of ``args.config``; returns the results."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    model = complexity.build_model(args.config, args.cfg_options)
    params = complexity.count_params(model)
    log('counting FLOPs (one traced forward)')
    flops = complexity.count_flops(model, args.input_shape, args.device)
    result = complexity.describe(args.config, model, args.input_shape)
    frames = result['output_shape'][0]
    dcn_macs = complexity.dcn_macs(flops['macs_by_operator'])

    speed = summarize(time_model(model, args), flops['flops'])
    speed.update(
        warmup=args.warmup,
        runs=args.runs,
        ms_per_call=1e3 * speed['median_s'],
        fps=frames / speed['median_s'],
        fps_best=frames / speed['min_s'])
    del model
    if args.device.type == 'cuda':
        torch.cuda.empty_cache()
    conv = dense_conv_peak(args.input_shape, args)

    result.update(
        device=str(args.device),
        device_name=device_name(args.device),
        dtype='float16 (CUDA autocast)' if args.fp16 else 'float32',
        threads=torch.get_num_threads(),
        params=dict(total=params['total'], trainable=params['trainable']),
        flops=dict(
            convention=flops['convention'],
            per_call=flops['flops'],
            per_output_frame=flops['flops_per_output_frame'],
            gflops_per_output_frame=flops['gflops_per_output_frame'],
            dcn_per_call=2 * dcn_macs,
            dcn_share=dcn_macs / flops['macs'] if flops['macs'] else 0.0),
        speed=speed,
        dense_conv=conv,
        fraction_of_conv_peak=speed['gflops_per_s'] / conv['gflops_per_s'])
    return result


# ------------------------------------------------------------------ output
def format_table(result: dict) -> str:
    """The results as a readable text table."""
    flops, speed, conv = result['flops'], result['speed'], result['dense_conv']
    device = f"{result['device']} ({result['device_name']}), {result['dtype']}"
    if result['device'] == 'cpu':
        device += f", threads: {result['threads']}"

    def ms(times):
        return ', '.join(f'{1e3 * s:.1f}' for s in times)

    rows = [
        ('parameters', f"{result['params']['total']:,} ({result['params']['trainable']:,} "
         'trainable)'),
        ('GFLOPs per output frame', f"{flops['gflops_per_output_frame']:.3f}"),
        ('GFLOPs per call', f"{flops['per_call'] / 1e9:.3f} (modulated deformable conv "
         f"{100 * flops['dcn_share']:.1f} %)"),
        ('ms per call (median / min)', f"{speed['ms_per_call']:.1f} / {1e3 * speed['min_s']:.1f} "
         f"({speed['warmup']} warm-up, {speed['runs']} runs)"),
        ('ms per run', ms(speed['times_s'])),
        ('output frames per second', f"{speed['fps']:.3f} (best run {speed['fps_best']:.3f})"),
        ('model GFLOP/s', f"{speed['gflops_per_s']:.2f}"),
        ('dense conv', f"{conv['layer']} on {'x'.join(map(str, conv['input_shape']))}, "
         f"{conv['flops_per_call'] / 1e9:.3f} GFLOPs per call"),
        ('dense conv ms per run', f"{ms(conv['times_s'])} (median {1e3 * conv['median_s']:.1f})"),
        ('dense conv GFLOP/s', f"{conv['gflops_per_s']:.2f}"),
        ('fraction of dense-conv peak', f"{result['fraction_of_conv_peak']:.3f}"),
    ]
    width = max(len(name) for name, _ in rows) + 2
    lines = complexity.format_header(result) + [f'device: {device}', '']
    lines += [f'{name:<{width}}{value}' for name, value in rows]
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the tool on ``argv`` (default: the command line) and return the results."""
    args = parse_args(argv)
    result = benchmark(args)
    print(format_table(result))
    if args.json:
        complexity.write_json(args.json, result)
        print(f'results written to {args.json}')
    return result


if __name__ == '__main__':
    main()
