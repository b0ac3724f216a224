"""Inference speed of a space-time SR model, and how close it runs to the machine's conv peak.

Builds the model of an mmstvsr config as ``model_complexity.py`` does (no ``init_weights()``
unless ``--init-weights``: random weights, which do not change the speed) and times
``model(inputs, mode='tensor')`` under ``torch.no_grad()`` on a random clip of ``T`` LR frames
(zero ``extra_inputs`` flows, whose Farneback estimation in the data pipeline is not timed):
``--warmup`` untimed calls, then ``--runs`` timed ones. Reported: the median and the minimum
seconds per call and every run, the throughput in OUTPUT frames per second (output frames per
call / median seconds), the parameters, and the FLOPs of one call as ``model_complexity.py``
counts them (FLOPs = 2 x MACs, deformable convolutions included), with the share of the
modulated deformable convolution: on a CPU it runs much slower per FLOP than a dense convolution.

Speeds depend on the machine; to compare them across machines the same run also times a dense
3x3 convolution, 64 -> 64 channels on a batch of LR-sized maps (``T`` maps, more when needed to
reach ``--conv-gflops`` per call), on the same device, in the same precision and memory format,
and reports its achieved FLOP/s as the machine's practical peak. The model's achieved FLOP/s
(FLOPs per call / median seconds) divided by it is the model's "fraction of the dense-conv peak".

Run paths (:mod:`mmstvsr.utils.fast_path`): by default the model runs in float32 NCHW.
``--precision P`` runs it on ``fast_path.default_path(device, P)`` (on a CPU: channels_last, and
bf16 autocast for ``bf16`` where the CPU has native bf16). ``--compare`` runs, in ONE process,
every path the device offers (``fast_path.available_paths``: fp32 NCHW, fp32 channels_last, bf16
NCHW and channels_last, ...), and with ``--compile`` also ``torch.compile`` of the default path,
each on its own copy of the model: their timed calls and their reference convolutions (one per
precision and memory format) alternate round by round, so a load that drifts during the run
slows them alike. Per path: output fps, the speedup over fp32 NCHW and the fraction of the
dense-conv peak of its own precision and format (each the median over rounds of that round's
ratio), and the max abs difference and PSNR (peak 1, the [0, 1] range of the outputs) of its
output against the fp32 NCHW output of the same clip and weights, from the first (untimed) call
(PSNR inf for identical outputs, written ``Infinity`` in the JSON as Python's ``json`` does).

On CUDA the device is synchronised around every timed call. ``--fp16`` is the CUDA float16
autocast in NCHW (``fast_path.RunPath('fp16')``). ``--threads`` sets the CPU threads
(``torch.set_num_threads``). A timing is of the whole process' share of the machine: other jobs
running at the same time slow it down.

Example:
    .venv/bin/python tools/analysis/benchmark_speed.py \
        configs/stinet/stinet_tiny.py --runs 3 --warmup 1 --json speed.json
    .venv/bin/python tools/analysis/benchmark_speed.py \
        configs/stinet/stinet_tiny.py --input-shape 4 36 44 --compare --json compare.json
"""
import argparse
import copy
import math
import os.path as osp
import platform
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from mmstvsr.utils.checkpoint import init_weights_quietly
from mmstvsr.utils.fast_path import (PRECISIONS, RunPath, autocast, available_paths, default_path,
                                     prepare_inputs, prepare_model)

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))  # the sibling model_complexity.py
import model_complexity as complexity  # noqa: E402

CONV_CHANNELS = 64  # the reference dense convolution: 3x3, 64 -> 64 channels
DEFAULT_CONV_GFLOPS = dict(cpu=4.0, cuda=200.0)  # its minimum GFLOPs per call, per device type
LONG_CALL_S = 1.0  # timed or warm-up calls at least this long print a progress line each
REFERENCE = RunPath('fp32', False)  # float32 NCHW: the tool's default and --compare's reference
DTYPE_NAMES = dict(fp32='float32', bf16='bfloat16 (autocast)', fp16='float16 (autocast)')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command-line arguments (``argv``, default ``sys.argv[1:]``), checked.

    ``args.path`` becomes the :class:`RunPath` of a single-path run (None with ``--compare``).
    """
    parser = argparse.ArgumentParser(
        description='Time the inference of a space-time SR model (output frames per second) and '
        'a dense 3x3 convolution on the same device, and report the model\'s achieved FLOP/s as '
        'a fraction of the convolution\'s; --compare does it for every precision and memory '
        'format in one run. The model is built without init_weights() (unless --init-weights): '
        'no pretrained weights are loaded, so their files need not exist.')
    complexity.add_model_arguments(
        parser,
        device_help='cpu, cuda or cuda:N (default: cpu; large models at the default input size '
        'take minutes per call on a CPU: use a smaller --input-shape)')
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed calls before timing (default: 1)')
    parser.add_argument(
        '--runs', type=int, default=5, help='timed calls, whose median is reported (default: 5)')
    parser.add_argument(
        '--precision',
        choices=PRECISIONS,
        help='run on fast_path.default_path(device, PRECISION), e.g. bf16 autocast in '
        'channels_last on a CPU (default: float32 NCHW)')
    parser.add_argument(
        '--fp16', action='store_true', help='run under CUDA autocast in float16, NCHW (CUDA only)')
    parser.add_argument(
        '--compare',
        action='store_true',
        help='time every path of the device (precision x memory format) in one run, '
        'interleaved, against float32 NCHW')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='with --compare: also time torch.compile of the default path (its first call, '
        'untimed, compiles)')
    parser.add_argument(
        '--init-weights',
        action='store_true',
        help='call init_weights() (reads the pretrained files the config names, e.g. the '
        'default model\'s DBPN) so that --compare\'s output differences are those of real weights')
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
    check_numbers(parser, args)
    args.path = choose_path(parser, args)
    return args


def check_numbers(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The device type and the numeric arguments (``parser.error`` names the fix)."""
    if args.device.type not in DEFAULT_CONV_GFLOPS:
        parser.error(f'--device {args.device}: this tool times on cpu or cuda[:N] only')
    if args.warmup < 0 or args.runs < 1:
        parser.error(f'--warmup needs >= 0 and --runs >= 1 calls, got {args.warmup} and '
                     f'{args.runs}')
    if args.threads is not None and args.threads < 1:
        parser.error(f'--threads needs >= 1, got {args.threads}')
    if args.conv_gflops is None:
        args.conv_gflops = DEFAULT_CONV_GFLOPS[args.device.type]
    elif args.conv_gflops <= 0:
        parser.error(f'--conv-gflops needs a positive number, got {args.conv_gflops}')


def choose_path(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Optional[RunPath]:
    """The single path of ``--precision`` / ``--fp16`` (float32 NCHW without), None for
    ``--compare``; ``parser.error`` for a conflicting or unavailable choice."""
    if args.fp16 and args.device.type != 'cuda':
        parser.error('--fp16 runs under CUDA autocast and needs --device cuda; on a CPU leave out '
                     '--fp16 (float32)')
    if args.fp16 and args.precision:
        parser.error('--fp16 is the NCHW float16 path: give --fp16 or --precision, not both')
    if args.compile and not args.compare:
        parser.error('--compile adds a path to --compare: give --compare too')
    if args.compare:
        if args.precision or args.fp16:
            parser.error('--compare times every path: leave out --precision / --fp16')
        return None
    if args.fp16:
        return RunPath('fp16', False)
    if args.precision is None:
        return REFERENCE
    try:
        return default_path(args.device, args.precision)
    except ValueError as error:
        parser.error(str(error))


# ------------------------------------------------------------------ timing
def log(message: str) -> None:
    """A progress message, on stderr (stdout keeps the table)."""
    print(message, file=sys.stderr, flush=True)


def run_context(path: Optional[RunPath], device: torch.device) -> ExitStack:
    """``torch.no_grad()`` and the autocast of ``path`` (None: float32, no autocast)."""
    stack = ExitStack()
    stack.enter_context(torch.no_grad())
    if path is not None:
        stack.enter_context(autocast(path, device))
    return stack


def timed_call(fn: Callable[[], object], device: torch.device) -> Tuple[float, object]:
    """Wall-clock seconds of one call of ``fn`` (CUDA synchronised around it) and its result."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    out = fn()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    return time.perf_counter() - start, out


def time_round_robin(fns: Dict[str, Callable[[], object]], warmup: int, runs: int,
                     device: torch.device) -> Dict[str, List[float]]:
    """Seconds of each of ``runs`` timed calls of every callable, after ``warmup`` untimed ones.

    The calls alternate: round ``k`` calls every callable once, in order, so that a change of
    the machine's load during the run affects them alike. Calls of at least
    :data:`LONG_CALL_S` seconds print a progress line each.
    """
    log(f"timing {', '.join(fns)}: {warmup} warm-up + {runs} timed rounds")
    times = {label: [] for label in fns}
    for k in range(warmup + runs):
        phase = f'warm-up {k + 1}/{warmup}' if k < warmup else f'run {k - warmup + 1}/{runs}'
        for label, fn in fns.items():
            elapsed, _ = timed_call(fn, device)
            if k >= warmup:
                times[label].append(elapsed)
            if elapsed >= LONG_CALL_S:
                log(f'  {label}, {phase}: {elapsed:.2f} s')
    return times


def time_calls(fn: Callable[[], object], warmup: int, runs: int, device: torch.device,
               label: str) -> List[float]:
    """Wall-clock seconds of each of ``runs`` calls of ``fn``, after ``warmup`` untimed calls."""
    return time_round_robin({label: fn}, warmup, runs, device)[label]


def summarize(times: Sequence[float], flops: int) -> dict:
    """Per-run seconds, their median and minimum, and the FLOP/s achieved at the median."""
    median = statistics.median(times)
    return dict(
        times_s=list(times),
        median_s=median,
        min_s=min(times),
        gflops_per_s=flops / median / 1e9)


# ------------------------------------------------------------------ what is timed
@dataclass
class Candidate:
    """One timed way to run the model: a run path, optionally under ``torch.compile``."""
    path: RunPath
    compiled: bool = False

    @property
    def name(self) -> str:
        return self.path.name + ('+compile' if self.compiled else '')


def model_call(model: nn.Module, args: argparse.Namespace, candidate: Candidate,
               clip: Optional[tuple] = None) -> Callable[[], torch.Tensor]:
    """A no-argument callable: one ``mode='tensor'`` forward of ``model`` on the candidate's
    path (the model is put in its memory format in place: pass a copy), returning the output
    ``(1, T_out, 3, sH, sW)``.

    ``clip``: the inputs ``(1, T, 3, H, W)`` and data samples of
    :func:`model_complexity.make_inputs` (default: a new random clip).
    """
    path = candidate.path
    inputs, data_samples = clip or complexity.make_inputs(model, args.input_shape, args.device)
    inputs = prepare_inputs(inputs, path)
    forward = complexity.TensorForward(prepare_model(model, path), data_samples)
    if candidate.compiled:
        forward = torch.compile(forward)

    def call():
        with run_context(path, args.device):
            return forward(inputs)

    return call


def conv_call(input_shape: Sequence[int], args: argparse.Namespace,
              path: RunPath) -> Tuple[Callable[[], torch.Tensor], dict]:
    """The reference dense 3x3 convolution on ``path`` (the machine's practical peak FLOP/s).

    Its input is a batch ``(N, 64, H, W)`` of LR-sized maps, ``N >= T``, enough to reach
    ``args.conv_gflops`` per call. FLOPs = 2 x MACs, MACs = output elements x input channels x
    9, as counted for the model (bias not counted). Returns the callable and its description.
    """
    t, h, w = input_shape
    macs_per_map = CONV_CHANNELS * h * w * CONV_CHANNELS * 9
    batch = max(t, math.ceil(args.conv_gflops * 1e9 / (2 * macs_per_map)))
    conv = nn.Conv2d(CONV_CHANNELS, CONV_CHANNELS, 3, padding=1).to(args.device).eval()
    conv = prepare_model(conv, path)
    maps = prepare_inputs(torch.rand(batch, CONV_CHANNELS, h, w, device=args.device), path)

    def call():
        with run_context(path, args.device):
            return conv(maps)

    info = dict(
        layer=f'Conv2d({CONV_CHANNELS}, {CONV_CHANNELS}, 3, padding=1)',
        path=path.name,
        input_shape=list(maps.shape),
        flops_per_call=2 * batch * macs_per_map)
    return call, info


def dense_conv_peak(input_shape: Sequence[int], args: argparse.Namespace) -> dict:
    """Time the reference dense convolution alone on ``args.path`` (see :func:`conv_call`)."""
    call, info = conv_call(input_shape, args, args.path)
    times = time_calls(call, args.warmup, args.runs, args.device, 'dense 3x3 conv')
    return dict(info, **summarize(times, info['flops_per_call']))


def time_model(model: nn.Module, args: argparse.Namespace) -> List[float]:
    """Seconds of each timed ``model(inputs, data_samples, mode='tensor')`` call on
    ``args.path``."""
    call = model_call(model.to(args.device), args, Candidate(args.path))
    return time_calls(call, args.warmup, args.runs, args.device, 'model')


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


# ------------------------------------------------------------------ comparing paths
def candidates(args: argparse.Namespace) -> List[Candidate]:
    """The reference (fp32 NCHW) first, then the device's other paths, then the compiled one."""
    paths = [REFERENCE] + [p for p in available_paths(args.device) if p != REFERENCE]
    found = [Candidate(p) for p in paths]
    if args.compile:
        found.append(Candidate(default_path(args.device), compiled=True))
    return found


def output_error(out: torch.Tensor, reference: torch.Tensor) -> dict:
    """Max abs difference and PSNR (peak 1; inf when equal) of ``out`` against ``reference``."""
    diff = out.float() - reference.float()
    mse = float(diff.pow(2).mean())
    return dict(
        max_abs_diff=float(diff.abs().max()),
        psnr_vs_fp32=10 * math.log10(1 / mse) if mse > 0 else math.inf)


def first_calls(calls: Dict[str, Callable], device: torch.device) -> Tuple[dict, dict]:
    """One untimed call of each model (compiles a compiled one): outputs, and one-line errors of
    the calls that failed (a compiled path without a working compiler)."""
    outputs, errors = {}, {}
    for name, call in calls.items():
        log(f'first (untimed) call of {name}')
        try:
            elapsed, outputs[name] = timed_call(call, device)
        except Exception as error:  # noqa: B902 -- torch.compile raises many types
            if '+compile' not in name:
                raise
            first_line = (str(error).strip().splitlines() or [''])[0]
            errors[name] = f'{type(error).__name__}: {first_line}'
            log(f'  {name} failed, left out: {errors[name]}')
            continue
        log(f'  {elapsed:.2f} s')
    return outputs, errors


def per_round_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median over rounds of ``numerators[k] / denominators[k]``."""
    return statistics.median(n / d for n, d in zip(numerators, denominators))


def compare_paths(model: nn.Module, args: argparse.Namespace, flops: int, frames: int) -> dict:
    """Time every path and its reference convolution, interleaved; returns the ``paths`` rows,
    the default path's name and the errors of paths left out."""
    found = candidates(args)
    clip = complexity.make_inputs(model, args.input_shape, args.device)  # the same for all
    calls = {}
    for k, candidate in enumerate(found):
        copy_ = model if k == 0 else copy.deepcopy(model)
        calls[candidate.name] = model_call(copy_, args, candidate, clip)
    outputs, errors = first_calls(calls, args.device)
    found = [c for c in found if c.name not in errors]
    convs = {p.name: conv_call(args.input_shape, args, p) for p in {c.path: 0 for c in found}}
    timed = {c.name: calls[c.name] for c in found}
    timed.update({f'conv {name}': call for name, (call, _) in convs.items()})
    times = time_round_robin(timed, max(args.warmup - 1, 0), args.runs, args.device)
    default = Candidate(default_path(args.device)).name
    reference = times[REFERENCE.name]
    rows = []
    for c in found:
        conv_info = convs[c.path.name][1]
        conv = summarize(times[f'conv {c.path.name}'], conv_info['flops_per_call'])
        speed = summarize(times[c.name], flops)
        rows.append(dict(
            name=c.name,
            precision=c.path.precision,
            channels_last=c.path.channels_last,
            compiled=c.compiled,
            default=c.name == default,
            fps=frames / speed['median_s'],
            speedup=per_round_ratio(reference, times[c.name]),
            **output_error(outputs[c.name], outputs[REFERENCE.name]),
            ms_per_call=1e3 * speed['median_s'],
            times_s=speed['times_s'],
            gflops_per_s=speed['gflops_per_s'],
            conv_peak_gflops=conv['gflops_per_s'],
            conv_times_s=conv['times_s'],
            fraction=per_round_ratio(
                [flops / t for t in times[c.name]],
                [conv_info['flops_per_call'] / t for t in conv['times_s']])))
    reference_conv = dict(convs[REFERENCE.name][1],
                          **summarize(times[f'conv {REFERENCE.name}'],
                                      convs[REFERENCE.name][1]['flops_per_call']))
    return dict(paths=rows, default_path=default, path_errors=errors,
                reference_times=reference, reference_conv=reference_conv)


# ------------------------------------------------------------------ the whole run
def build(args: argparse.Namespace) -> Tuple[nn.Module, dict, dict]:
    """The model, its FLOP count and its description (:func:`model_complexity.describe`)."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    model = complexity.build_model(args.config, args.cfg_options)
    if args.init_weights:
        try:
            init_weights_quietly(model)
        except (OSError, RuntimeError, KeyError) as error:
            sys.exit(f'--init-weights: {error}; leave out --init-weights to time random weights')
    log('counting FLOPs (one traced forward)')
    flops = complexity.count_flops(model, args.input_shape, args.device)
    return model, flops, complexity.describe(args.config, model, args.input_shape)


def speed_summary(times: Sequence[float], flops: int, frames: int,
                  args: argparse.Namespace) -> dict:
    """The ``speed`` block: :func:`summarize` plus the per-call and per-frame figures."""
    speed = summarize(times, flops)
    speed.update(
        warmup=args.warmup,
        runs=args.runs,
        ms_per_call=1e3 * speed['median_s'],
        fps=frames / speed['median_s'],
        fps_best=frames / speed['min_s'])
    return speed


def benchmark(args: argparse.Namespace) -> dict:
    """Count, time and compare the model of ``args.config``; returns the results."""
    model, flops, result = build(args)
    params = complexity.count_params(model)
    frames = result['output_shape'][0]
    compared = None
    if args.compare:
        compared = compare_paths(model.to(args.device), args, flops['flops'], frames)
        times, conv = compared['reference_times'], compared['reference_conv']
    else:
        times = time_model(model, args)
    del model
    if args.device.type == 'cuda':
        torch.cuda.empty_cache()
    if not args.compare:
        conv = dense_conv_peak(args.input_shape, args)
    speed = speed_summary(times, flops['flops'], frames, args)
    path = args.path or REFERENCE
    dcn_macs = complexity.dcn_macs(flops['macs_by_operator'])
    result.update(
        device=str(args.device),
        device_name=device_name(args.device),
        path=path.name,
        dtype=DTYPE_NAMES[path.precision],
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
    if compared:
        result.update(default_path=compared['default_path'], paths=compared['paths'],
                      path_errors=compared['path_errors'])
    return result


# ------------------------------------------------------------------ output
def format_speed(result: dict) -> List[str]:
    """The single-path rows (for --compare: those of the fp32 NCHW reference)."""
    flops, speed, conv = result['flops'], result['speed'], result['dense_conv']

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
    return [f'{name:<{width}}{value}' for name, value in rows]


def format_paths(result: dict) -> List[str]:
    """The --compare table: one row per path."""
    header = (f"{'path':<18}{'ms/call':>10}{'fps':>9}{'speedup':>9}{'GFLOP/s':>9}"
              f"{'conv peak':>11}{'fraction':>10}{'max |diff|':>12}{'PSNR dB':>9}")
    lines = ['', 'paths, interleaved (speedup over fp32 NCHW; conv peak in the same precision '
             'and format; difference and PSNR against the fp32 NCHW output):', header,
             '-' * len(header)]
    for row in result['paths']:
        name = row['name'] + (' *' if row['default'] else '')
        lines.append(f"{name:<18}{row['ms_per_call']:>10.1f}{row['fps']:>9.3f}"
                     f"{row['speedup']:>9.2f}{row['gflops_per_s']:>9.2f}"
                     f"{row['conv_peak_gflops']:>11.2f}{row['fraction']:>10.3f}"
                     f"{row['max_abs_diff']:>12.2e}{row['psnr_vs_fp32']:>9.2f}")
    lines.append(f"* the default path (fast_path.default_path): {result['default_path']}")
    lines += [f'left out: {name}: {error}' for name, error in result['path_errors'].items()]
    return lines


def format_table(result: dict) -> str:
    """The results as a readable text table."""
    device = f"{result['device']} ({result['device_name']}), {result['dtype']}, " \
        f"path {result['path']}"
    if result['device'] == 'cpu':
        device += f", threads: {result['threads']}"
    lines = complexity.format_header(result) + [f'device: {device}', ''] + format_speed(result)
    if 'paths' in result:
        lines += format_paths(result)
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
