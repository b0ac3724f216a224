"""Where the time goes: time, FLOPs and achieved FLOP/s of the modules of a space-time SR model.

Builds the model of an mmstvsr config as ``model_complexity.py`` does (no ``init_weights()``:
random weights, which do not change the time), counts the FLOPs of every module with the same
``FlopAnalyzer`` handles (FLOPs = 2 x MACs, deformable convolutions and the MATLAB-bicubic
einsums included; one jit trace of the whole forward), then times ``model(inputs, mode='tensor')``
under ``torch.no_grad()`` with forward pre/post hooks (``time.perf_counter``; on CUDA the device
is synchronised in each hook) on the generator's modules down to ``--depth`` levels (default 2:
its children and their children; an ``nn.ModuleList`` or ``nn.ModuleDict``, never called itself,
is no level: its blocks count as its parent's children). A module called several times per
forward (a shared block) sums its calls.

Reported per module, per forward call (the mean over ``--runs`` timed calls after ``--warmup``
untimed ones): calls, milliseconds, share of the whole call, GFLOPs and achieved GFLOP/s (FLOPs /
seconds). Times of a module include its children's. The generator's own operations (warps,
concatenations, resizes written in its ``forward``) appear as ``(generator itself)`` and the
model's outside the generator as ``(outside the generator)``: the rest of the call's time and
FLOPs once the top-level children are taken out. Two tables: the top-level children, and the
``--top`` most expensive modules at the deepest profiled level (a child without profiled children
stands for itself there).

With ``--precision`` the model runs on a path of :mod:`mmstvsr.utils.fast_path` (precision and
memory format, e.g. ``bf16`` with channels_last on a CPU with AVX512-BF16) instead of float32 NCHW.

Example:
    .venv/bin/python tools/analysis/profile_modules.py \
        configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py --input-shape 4 36 44
"""
import argparse
import os.path as osp
import sys
import time
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer

from mmstvsr.utils.fast_path import PRECISIONS, default_path, prepare_inputs, prepare_model

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))  # the sibling tools
import model_complexity as complexity  # noqa: E402
from benchmark_speed import REFERENCE, log, run_context  # noqa: E402

GENERATOR = 'model.generator'  # the generator's name in the FlopAnalyzer's module tree
REST = '(rest: own ops of the generator and model)'
CONTAINERS = (nn.ModuleList, nn.ModuleDict)  # modules that hold blocks but are never called


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command-line arguments (``argv``, default ``sys.argv[1:]``), checked."""
    parser = argparse.ArgumentParser(
        description='Time the modules of a space-time SR model with forward hooks and report, '
        'per module, its share of the call, its FLOPs and its achieved GFLOP/s. The model is '
        'built without init_weights(): no pretrained weights are loaded.')
    complexity.add_model_arguments(
        parser,
        device_help='cpu, cuda or cuda:N (default: cpu; use a small --input-shape for large '
        'models on a CPU)')
    parser.add_argument(
        '--depth', type=int, default=2, help='profiled levels below the generator (default: 2)')
    parser.add_argument(
        '--top', type=int, default=15, help='rows of the deepest-level table (default: 15)')
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed calls before timing (default: 1)')
    parser.add_argument(
        '--runs', type=int, default=1, help='timed calls, averaged (default: 1)')
    parser.add_argument(
        '--threads', type=int, help='CPU threads (torch.set_num_threads; default: torch\'s)')
    parser.add_argument(
        '--precision',
        choices=PRECISIONS,
        help='run on fast_path.default_path(device, PRECISION) (default: float32 NCHW)')
    args = parser.parse_args(argv)
    complexity.check_model_arguments(parser, args)
    for name, low in (('--depth', 1), ('--top', 1), ('--warmup', 0), ('--runs', 1),
                      ('--threads', 1)):
        value = getattr(args, name[2:])
        if value is not None and value < low:
            parser.error(f'{name} needs >= {low}, got {value}')
    args.path = REFERENCE
    if args.precision:
        try:
            args.path = default_path(args.device, args.precision)
        except ValueError as error:
            parser.error(str(error))
    return args


# ------------------------------------------------------------------ FLOPs
def module_macs(model: nn.Module, input_shape: Sequence[int],
                device: torch.device) -> Tuple[Dict[str, int], int]:
    """MACs of one forward per module name of the FlopAnalyzer's tree, and in total.

    Names are ``model.generator.<child>...`` (the model wrapped as ``model``). Same handles as
    ``model_complexity.count_flops``.
    """
    inputs, data_samples = complexity.make_inputs(model, input_shape, device)
    analyzer = FlopAnalyzer(complexity.TensorForward(model, data_samples), (inputs, ))
    complexity.add_dcn_handles(analyzer)
    analyzer.set_op_handle('aten::einsum', complexity.einsum_flop_jit, 'aten::lift_fresh', None)
    analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    analyzer.tracer_warnings('none')
    with torch.no_grad():
        by_module = {name: int(macs) for name, macs in analyzer.by_module().items()}
    return by_module, by_module['']


# ------------------------------------------------------------------ timing
def profiled_modules(generator: nn.Module, depth: int) -> Dict[str, nn.Module]:
    """The generator's modules down to ``depth`` levels, by dotted name (``child.grandchild``).

    Containers (``nn.ModuleList``, ``nn.ModuleDict``), never called themselves, are no level:
    the blocks of a top-level ``ModuleList`` are profiled with their children. A container is
    profiled (to sum its blocks) only above the last level. A module reachable under several
    names (shared) is profiled under its first one.
    """
    modules, levels = {}, {'': 0}
    for name, module in generator.named_modules():  # parents before children, shared once
        parent = name.rsplit('.', 1)[0] if '.' in name else ''
        if not name or parent not in levels:
            continue
        container = isinstance(module, CONTAINERS)
        level = levels[parent] + (0 if container else 1)
        if level > depth or (container and level == depth):
            continue
        levels[name] = level
        modules[name] = module
    return modules


def deepest_modules(modules: Dict[str, nn.Module]) -> List[str]:
    """The profiled modules, not containers, without profiled modules below them."""
    inner = {n.rsplit('.', 1)[0] for n, m in modules.items()
             if '.' in n and not isinstance(m, CONTAINERS)}
    inner |= {p for n in inner for p in _ancestors(n)}
    return [n for n, m in modules.items() if n not in inner and not isinstance(m, CONTAINERS)]


def _ancestors(name: str) -> List[str]:
    parts = name.split('.')
    return ['.'.join(parts[:k]) for k in range(1, len(parts))]


class ModuleTimer:
    """Forward pre/post hooks that sum the wall-clock seconds and calls of each module.

    Enabled only between :meth:`start` and :meth:`stop`; ``close()`` removes the hooks.
    """

    def __init__(self, modules: Dict[str, nn.Module], device: torch.device):
        self.device = device
        self.enabled = False
        self.seconds: Dict[str, float] = defaultdict(float)
        self.calls: Dict[str, int] = defaultdict(int)
        self._starts: Dict[str, List[float]] = defaultdict(list)
        self._handles = []
        for name, module in modules.items():
            self._handles.append(module.register_forward_pre_hook(self._pre(name)))
            self._handles.append(module.register_forward_hook(self._post(name)))

    def _now(self) -> float:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
        return time.perf_counter()

    def _pre(self, name: str):
        def hook(module, args):
            if self.enabled:
                self._starts[name].append(self._now())
        return hook

    def _post(self, name: str):
        def hook(module, args, output):
            if self.enabled and self._starts[name]:
                self.seconds[name] += self._now() - self._starts[name].pop()
                self.calls[name] += 1
        return hook

    def start(self) -> None:
        self.enabled = True

    def stop(self) -> None:
        self.enabled = False

    def close(self) -> None:
        for handle in self._handles:
            handle.remove()


def time_modules(model: nn.Module, args: argparse.Namespace) -> Tuple[float, ModuleTimer]:
    """Mean seconds of a forward call and the timer of the profiled modules (summed over runs)."""
    inputs, data_samples = complexity.make_inputs(model, args.input_shape, args.device)
    model = prepare_model(model, args.path)
    forward = complexity.TensorForward(model, data_samples)
    inputs = prepare_inputs(inputs, args.path)
    timer = ModuleTimer(profiled_modules(model.generator, args.depth), args.device)
    total = 0.0
    log(f'profiling: {args.warmup} warm-up + {args.runs} timed calls')
    try:
        with run_context(args.path, args.device):
            for k in range(args.warmup + args.runs):
                if k >= args.warmup:
                    timer.start()
                start = timer._now()
                forward(inputs)
                elapsed = timer._now() - start
                timer.stop()
                log(f'  call {k + 1}/{args.warmup + args.runs}: {elapsed:.2f} s')
                total += elapsed if k >= args.warmup else 0.0
    finally:
        timer.close()
    return total / args.runs, timer


# ------------------------------------------------------------------ report
def module_row(name: str, seconds: float, macs: int, calls: float, call_s: float) -> dict:
    """One module's figures per forward call."""
    return dict(
        name=name,
        calls=calls,
        ms=1e3 * seconds,
        share=seconds / call_s if call_s else 0.0,
        gflops=2 * macs / 1e9,
        gflops_per_s=2 * macs / seconds / 1e9 if seconds > 0 and macs > 0 else None)


def module_totals(name: str, timer: ModuleTimer, macs: Dict[str, int],
                  names: Sequence[str]) -> Tuple[float, Optional[int], int]:
    """Seconds, calls and MACs of a profiled module, summed over all runs.

    A container that is never called itself (``nn.ModuleList``, ``nn.ModuleDict``) gets the sums
    of its profiled children, and None calls.
    """
    if timer.calls.get(name):
        return timer.seconds[name], timer.calls[name], macs.get(f'{GENERATOR}.{name}', 0)
    children = [n for n in names if n.rsplit('.', 1)[0] == name and '.' in n]
    totals = [module_totals(n, timer, macs, names) for n in children]
    return sum(t[0] for t in totals), None, sum(t[2] for t in totals)


def build_rows(timer: ModuleTimer, modules: Dict[str, nn.Module], macs: Dict[str, int],
               total_macs: int, call_s: float, runs: int) -> Tuple[List[dict], List[dict]]:
    """The top-level rows (with the rest of the call) and the deepest-level rows, by time."""
    def row(name):
        seconds, calls, module_macs = module_totals(name, timer, macs, names)
        return module_row(name, seconds / runs, module_macs,
                          None if calls is None else calls / runs, call_s)

    def called(rows):  # modules never run in this forward (unused heads) are left out
        return sorted((r for r in rows if r['calls'] is not None or r['ms'] > 0),
                      key=lambda r: -r['ms'])

    names = list(modules)
    top = called(row(n) for n in names if '.' not in n)
    rest_s = max(0.0, call_s - sum(r['ms'] for r in top) / 1e3)
    rest_macs = total_macs - sum(round(r['gflops'] * 1e9 / 2) for r in top)
    top.append(module_row(REST, rest_s, rest_macs, None, call_s))
    leaves = called(row(n) for n in deepest_modules(modules))
    return top, leaves


def format_rows(rows: List[dict]) -> List[str]:
    """Rows as aligned text lines, with a header."""
    width = max([len('module')] + [len(r['name']) for r in rows]) + 2
    lines = [f"{'module':<{width}}{'calls':>6}{'ms':>11}{'share':>8}{'GFLOPs':>10}"
             f"{'GFLOP/s':>10}"]
    for r in rows:
        rate = '-' if r['gflops_per_s'] is None else f"{r['gflops_per_s']:.2f}"
        calls = '-' if r['calls'] is None else f"{r['calls']:g}"
        lines.append(f"{r['name']:<{width}}{calls:>6}{r['ms']:>11.1f}"
                     f"{100 * r['share']:>7.1f}%{r['gflops']:>10.3f}{rate:>10}")
    return lines


def format_table(result: dict) -> str:
    """The results as readable text tables."""
    device = f"{result['device']}, path {result['path']}, threads {result['threads']}"
    lines = complexity.format_header(result) + [
        f'device: {device}',
        f"call: {result['call_ms']:.1f} ms, {result['gflops']:.3f} GFLOPs, "
        f"{result['gflops_per_s']:.2f} GFLOP/s (mean of {result['runs']} timed calls)", '',
        'top-level modules (times include their children):'
    ]
    lines += format_rows(result['top_level'])
    lines += ['', f"top {len(result['deepest'])} of the deepest profiled modules (depth "
              f"{result['depth']}; containers such as nn.ModuleList are no level):"]
    lines += format_rows(result['deepest'])
    return '\n'.join(lines)


def profile(args: argparse.Namespace) -> dict:
    """Count, time and tabulate the modules of the model of ``args.config``."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    model = complexity.build_model(args.config, args.cfg_options).to(args.device)
    log('counting FLOPs per module (one traced forward)')
    macs, total_macs = module_macs(model, args.input_shape, args.device)
    call_s, timer = time_modules(model, args)
    modules = profiled_modules(model.generator, args.depth)
    top, leaves = build_rows(timer, modules, macs, total_macs, call_s, args.runs)
    return dict(
        **complexity.describe(args.config, model, args.input_shape),
        device=str(args.device),
        path=args.path.name,
        threads=torch.get_num_threads(),
        depth=args.depth,
        warmup=args.warmup,
        runs=args.runs,
        call_ms=1e3 * call_s,
        gflops=2 * total_macs / 1e9,
        gflops_per_s=2 * total_macs / call_s / 1e9,
        top_level=top,
        deepest=leaves[:args.top])


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the tool on ``argv`` (default: the command line) and return the results."""
    args = parse_args(argv)
    result = profile(args)
    print(format_table(result))
    if args.json:
        complexity.write_json(args.json, result)
        print(f'results written to {args.json}')
    return result


if __name__ == '__main__':
    main()
