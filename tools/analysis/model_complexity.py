"""Parameters and FLOPs per output frame of a space-time SR model.

Builds the model of an mmstvsr config (``MODELS.build(cfg.model)``, without ``init_weights()``:
no pretrained file is read, so configs whose checkpoints are absent still work), counts the
parameters of its generator (total, trainable and per top-level child) and, unless
``--params-only``, the multiply-accumulates (MACs) of one ``model(inputs, mode='tensor')`` call on
a random clip of ``T`` LR frames, reported as FLOPs = 2 x MACs per OUTPUT frame.

FLOPs come from MMEngine's ``FlopAnalyzer`` (fvcore-style jit tracing of the whole forward), whose
handles count one MAC per multiply-add of convolutions, transposed convolutions, linear layers and
matrix products, and 4 per output element of bilinear upsampling and ``grid_sample`` (flow
warping). Two handles are added here:

- modulated deformable convolution (DCNv2: torchvision's ``deform_conv2d``, which mmstvsr's
  ``ModulatedDCNPack`` calls, and mmcv's ``ModulatedDeformConv2d``, which MMagic's calls):
  the MACs of the equivalent dense convolution plus 4 per bilinearly
  sampled input value (``C_in * kh * kw`` per output position); the mask modulation and the
  sampling weights are not counted. Its offset/mask convolution is an ordinary counted conv.
- ``torch.einsum`` (the MATLAB-bicubic resize of mmstvsr: one dense weight matrix per axis):
  exact MACs of the pairwise contractions in the order torch runs them without ``opt_einsum``
  (left to right), instead of MMEngine's estimate rounded to 4 digits.

Activations, element-wise arithmetic, pooling, reductions and data movement are not counted;
the operators met but not counted are listed. Models with ``extra_inputs`` (the optical flows
``flow_fwd`` / ``flow_bwd`` that the data pipeline computes with OpenCV's Farneback estimator, in
numpy) get zero flows ``(1, T-1, 2, H, W)``: the flow estimation is not part of the model and is not
counted (the counts depend only on shapes, not on values).

``--fast`` gives the same counts in seconds instead of minutes (STINet at the default input: about
15 s instead of more than 7 minutes on a 2-core CPU). The same jit trace is recorded, so the same
handles see the same operators, shapes and module scopes, but no arithmetic runs on large tensors
(:class:`ShapeOnlyMode`): an operator with an input or output of more than :data:`SMALL_NUMEL`
elements gets its output shapes from PyTorch's meta kernels and returns uninitialised tensors of
those shapes; small ones (time stamps, graph adjacencies, sizes) run for real. The values of large
tensors are never computed, so a model whose control flow reads them would not be counted as its
forward runs; an operator that the trace would lose is reported (count without ``--fast``).
tests/test_tools/test_model_complexity.py checks that both ways agree, operator by operator and
module by module, on the models whose figures the README gives.

Example:
    .venv/bin/python tools/analysis/model_complexity.py \
        configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py --json complexity.json
    .venv/bin/python tools/analysis/model_complexity.py \
        configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py --fast
"""
import argparse
import contextlib
import json
import math
import os.path as osp
import sys
import weakref
from collections import Counter
from functools import partial
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import get_shape
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten, tree_map

from mmstvsr.models.base_models import BaseSTVSRModel
from mmstvsr.utils.files import atomic_output
from mmstvsr.utils.temporal import num_output_frames

#: Modulated deformable convolutions in a jit trace -> the position of their weight among the
#: operator's tensor inputs (mmcv: input, offset, mask, weight; torchvision: input, weight, ...).
DCN_OPS = {'prim::PythonOp.ModulatedDeformConv2dFunction': 3, 'torchvision::deform_conv2d': 1}
BILINEAR_MACS = 4  # per sampled value, as MMEngine's grid_sample and bilinear upsample handles
CONVENTION = ('FLOPs = 2 x MACs (one multiply-accumulate = 2 FLOPs); MACs of conv, deconv, linear, '
              'matmul, einsum (MATLAB bicubic), modulated deformable conv (dense part + 4 per '
              'bilinear sample) and 4 per output element of bilinear upsample / grid_sample; '
              'activations, element-wise ops, pooling and the Farneback flows of the data '
              'pipeline not counted')


def add_model_arguments(parser: argparse.ArgumentParser, device_help: str) -> None:
    """Add the arguments shared by the analysis tools: config, input clip, device, JSON, options.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
        device_help (str): Help text of ``--device`` (what runs on it).
    """
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--input-shape',
        type=int,
        nargs=3,
        default=[4, 144, 180],
        metavar=('T', 'H', 'W'),
        help='LR input clip: T frames of H x W (default: 4 144 180, the Vid4 test window: '
        '4 LR frames of 144x180 -> 7 HR frames of 576x720 at x4, x2 in time)')
    parser.add_argument('--device', default='cpu', help=device_help)
    parser.add_argument('--json', metavar='OUT', help='also write the results to this JSON file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value pairs, e.g. '
        'model.generator.mid_channels=32')


def check_model_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Validate the arguments of :func:`add_model_arguments` (``parser.error`` names the fix).

    ``args.device`` becomes a :class:`torch.device`.
    """
    t, h, w = args.input_shape
    if t < 2 or h < 1 or w < 1:
        parser.error(f'--input-shape T H W needs T >= 2 frames and H, W >= 1, got {t} {h} {w}')
    try:
        args.device = torch.device(args.device)
    except RuntimeError:
        parser.error(f'--device {args.device}: not a torch device; use cpu, cuda or cuda:N')
    if args.device.type == 'cuda':
        if not torch.cuda.is_available():
            parser.error(f'--device {args.device} needs a CUDA GPU, but torch.cuda.is_available() '
                         'is False here: use --device cpu')
        if (args.device.index or 0) >= torch.cuda.device_count():
            parser.error(f'--device {args.device}: this machine has {torch.cuda.device_count()} '
                         'CUDA device(s), cuda:0 to cuda:{}'.format(torch.cuda.device_count() - 1))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command-line arguments (``argv``, default ``sys.argv[1:]``), checked."""
    parser = argparse.ArgumentParser(
        description='Print the parameters and the FLOPs per output frame of a space-time SR '
        'model. The model is built from the config without init_weights(): no pretrained '
        'weights are loaded, so their files need not exist.')
    add_model_arguments(
        parser,
        device_help='device of the forward pass that counts the FLOPs, e.g. cuda:0 (default: '
        'cpu; large models at the default input size take minutes on a CPU)')
    parser.add_argument(
        '--params-only', action='store_true', help='count the parameters only (no forward)')
    parser.add_argument(
        '--fast',
        action='store_true',
        help='same counts without arithmetic on large tensors: the forward runs on shapes '
        '(seconds instead of minutes for large models); see the module docstring')
    args = parser.parse_args(argv)
    check_model_arguments(parser, args)
    if args.fast and args.device.type != 'cpu':
        parser.error(f'--fast computes no values, so it needs no --device {args.device}: drop '
                     '--device')
    return args


# ------------------------------------------------------------------ FLOP handles
def dcn_flop_jit(inputs: List, outputs: List, weight_index: int = 3) -> int:
    """MACs of a modulated deformable convolution in a jit trace (see :data:`DCN_OPS`).

    Tensor inputs: input ``(N, C_in, h, w)`` first, weight ``(C_out, C_in / groups, kh, kw)`` at
    ``weight_index``. Dense convolution: ``prod(output) * C_in / groups * kh * kw``; bilinear
    sampling: :data:`BILINEAR_MACS` per sampled value, ``N * H_out * W_out * C_in * kh * kw``
    values.
    """
    in_shape, weight_shape = get_shape(inputs[0]), get_shape(inputs[weight_index])
    n, _, h_out, w_out = out_shape = get_shape(outputs[0])
    dense = math.prod(out_shape) * math.prod(weight_shape[1:])
    sampled = n * h_out * w_out * in_shape[1] * math.prod(weight_shape[2:])
    return dense + BILINEAR_MACS * sampled


def add_dcn_handles(analyzer: FlopAnalyzer) -> FlopAnalyzer:
    """Count every operator of :data:`DCN_OPS` with :func:`dcn_flop_jit`; returns ``analyzer``."""
    for op, weight_index in DCN_OPS.items():
        analyzer.set_op_handle(op, partial(dcn_flop_jit, weight_index=weight_index))
    return analyzer


def dcn_macs(macs_by_operator: dict) -> int:
    """The MACs of the deformable convolutions (:data:`DCN_OPS`) among ``macs_by_operator``."""
    return sum(macs_by_operator.get(op.split('::', 1)[1], 0) for op in DCN_OPS)


def einsum_macs(equation: str, shapes: Sequence[Sequence[int]]) -> int:
    """Exact MACs of ``torch.einsum(equation, *operands)`` contracted pairwise left to right.

    Each step multiplies the running result by the next operand: its MACs are the product of the
    sizes of all the indices of the two; indices needed by no later operand nor the output are
    summed out. An ellipsis stands for the leading dimensions it covers (broadcast).

    Args:
        equation (str): einsum equation, explicit (``->``) or implicit.
        shapes (Sequence[Sequence[int]]): Operand shapes.

    Returns:
        int: The MACs (0 for a single operand).
    """
    equation = equation.replace(' ', '')
    lhs, arrow, rhs = equation.partition('->')
    terms = lhs.split(',')
    if not arrow:  # implicit output: the indices used once, in alphabetical order
        letters = Counter(c for term in terms for c in term if c.isalpha())
        rhs = ('...' if '...' in lhs else '') + ''.join(
            sorted(c for c, n in letters.items() if n == 1))
    ellipsis_ndim = max(len(s) - len(t.replace('...', '')) for t, s in zip(terms, shapes))
    ellipsis = [chr(0x100 + i) for i in range(ellipsis_ndim)]  # placeholder index names

    def expand(term: str, ndim: int) -> List[str]:
        if '...' not in term:
            return list(term)
        head, _, tail = term.partition('...')
        covered = ndim - len(head) - len(tail)
        return list(head) + ellipsis[ellipsis_ndim - covered:] + list(tail)

    operands = [expand(t, len(s)) for t, s in zip(terms, shapes)]
    sizes: Dict[str, int] = {}
    for indices, shape in zip(operands, shapes):
        for index, size in zip(indices, shape):
            sizes[index] = max(sizes.get(index, 1), size)
    output = set(expand(rhs, len(ellipsis) + len(rhs.replace('...', ''))))
    macs, current = 0, set(operands[0])
    for k, indices in enumerate(operands[1:], start=2):
        both = current | set(indices)
        macs += math.prod(sizes[i] for i in both)
        needed = output.union(*map(set, operands[k:]))
        current = both & needed
    return macs


def einsum_flop_jit(inputs: List, outputs: List) -> int:
    """MACs of ``aten::einsum`` in a jit trace (see :func:`einsum_macs`)."""
    equation = inputs[0].toIValue()
    shapes = [get_shape(v) for v in inputs[1].node().inputs()]
    return einsum_macs(equation, shapes)


# ------------------------------------------------------------------ --fast: shapes only
#: Tensors of at most this many elements are computed for real under :class:`ShapeOnlyMode`.
SMALL_NUMEL = 4096
_ATEN = torch.ops.aten


def _tracer_on() -> torch._C._SetExcludeDispatchKeyGuard:
    """A guard that lets the jit tracer record again (inside a dispatch mode it is excluded)."""
    tracer = torch._C._parse_dispatch_key('Tracer')  # not in torch._C.DispatchKey
    return torch._C._SetExcludeDispatchKeyGuard(tracer, False)


@contextlib.contextmanager
def _tracing_paused() -> Iterator[None]:
    """Pause the jit tracer, so that Python meta kernels see sizes as ints, not traced tensors."""
    state = torch._C._get_tracing_state()
    if state is None:
        yield
        return
    with _tracer_on():  # setting the state asserts that the tracer is not excluded
        torch._C._set_tracing_state(None)
        try:
            yield
        finally:
            torch._C._set_tracing_state(state)


def _meta_outputs(func, args: tuple, kwargs: dict):
    """``func``'s outputs on the meta device: shapes, strides and dtypes, no values."""
    def to_meta(value):
        return value.to('meta') if isinstance(value, torch.Tensor) else value

    args, kwargs = tree_map(to_meta, args), tree_map(to_meta, kwargs)
    if 'device' in kwargs:  # factory operators
        kwargs['device'] = torch.device('meta')
    with _tracing_paused():
        return func(*args, **kwargs)


def _written_arguments(func, args: tuple, kwargs: dict):
    """The arguments an in-place or ``out=`` operator returns (None for a functional one)."""
    schema = func._schema
    written = {frozenset(a.alias_info.before_set): a.name for a in schema.arguments
               if a.alias_info is not None and a.alias_info.is_write}
    if not written:
        return None
    bound = dict(zip([a.name for a in schema.arguments], args), **kwargs)
    returned = [bound[written[frozenset(r.alias_info.before_set)]] for r in schema.returns]
    return returned[0] if len(returned) == 1 else tuple(returned)


class ShapeOnlyMode(TorchDispatchMode):
    """A forward that computes no large tensor, for a jit trace identical to the real one's.

    The jit tracer records each operator before it reaches this mode (PyTorch's Python dispatch
    key), so the trace keeps its operators, inputs, output shapes and module scopes. Per operator:

    - views (``view``, ``split``, ``permute``...) run for real: they copy no data;
    - an operator whose tensors (inputs and outputs) have at most :data:`SMALL_NUMEL` elements
      runs for real, so that small values the forward reads (time stamps, adjacency matrices,
      ``.tolist()``, ``.item()``) are right;
    - any other returns uninitialised tensors with the shapes, strides and dtypes of its meta
      kernel (in-place and ``out=`` operators return their written arguments untouched); an
      operator without a meta kernel runs for real;
    - ``aten::convolution``, which the tracer does not record, calls ``aten::_convolution`` with
      the tracer on, as its real kernel does: the trace records that one.

    A tensor made without computing that the trace holds as a constant is an operator lost from
    the trace: :meth:`constant_handle` (the op handle of ``prim::Constant``) raises then.
    """

    def __init__(self):
        super().__init__()
        self.uncomputed = weakref.WeakValueDictionary()  # id -> tensor returned without values

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is _ATEN.convolution.default:
            return self._convolution(*args, **kwargs)
        if func.is_view or func in (_ATEN.resize_.default, _ATEN.set_.source_Tensor):
            return func(*args, **kwargs)
        tensors = [v for v in tree_flatten((args, kwargs))[0] if isinstance(v, torch.Tensor)]
        try:
            meta = _meta_outputs(func, args, kwargs)
        except (RuntimeError, NotImplementedError):  # no meta kernel (or reads values)
            return func(*args, **kwargs)
        outputs = [v for v in tree_flatten(meta)[0] if isinstance(v, torch.Tensor)]
        if all(t.numel() <= SMALL_NUMEL for t in tensors + outputs):
            return func(*args, **kwargs)
        written = _written_arguments(func, args, kwargs)
        if written is not None:
            return written
        device = kwargs.get('device') or next((t.device for t in tensors), torch.device('cpu'))
        return tree_map(partial(self._uncomputed_like, device=device), meta)

    def _convolution(self, input, weight, bias, *conv_args):
        """``aten::convolution`` as ``aten::_convolution``, traced, as at::convolution calls it."""
        cudnn = torch.backends.cudnn
        deterministic = cudnn.deterministic or torch.are_deterministic_algorithms_enabled()
        with _tracer_on(), self:
            return _ATEN._convolution.default(input, weight, bias, *conv_args, cudnn.benchmark,
                                              deterministic, cudnn.enabled, cudnn.allow_tf32)

    def _uncomputed_like(self, meta, device: torch.device):
        """An uninitialised tensor like the meta tensor ``meta`` (other outputs as they are)."""
        if not isinstance(meta, torch.Tensor):
            return meta
        tensor = torch.empty_strided(meta.shape, meta.stride(), dtype=meta.dtype, device=device)
        self.uncomputed[id(tensor)] = tensor
        return tensor

    def constant_handle(self, inputs: List, outputs: List) -> Counter:
        """Op handle of ``prim::Constant``: no MACs; raises if the constant was not computed."""
        if outputs[0].type().kind() == 'TensorType':
            value = outputs[0].toIValue()
            if self.uncomputed.get(id(value)) is value:
                raise RuntimeError(
                    f'--fast lost an operator from the trace (its {tuple(value.shape)} output '
                    'is a constant): count without --fast')
        return Counter()


# ------------------------------------------------------------------ counting
class TensorForward(nn.Module):
    """``model(inputs, data_samples, mode='tensor')`` as a one-input module for tracing."""

    def __init__(self, model: nn.Module, data_samples: Optional[DataSample]):
        super().__init__()
        self.model = model
        self.data_samples = data_samples

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model(inputs, self.data_samples, mode='tensor')


def build_model(config: str, cfg_options: Optional[dict]) -> nn.Module:
    """Build (without ``init_weights``) the model of a config, in eval mode."""
    if not osp.isfile(config):
        sys.exit(f'config file not found: {config}')
    cfg = Config.fromfile(config)  # runs custom_imports (mmstvsr)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmagic'))
    try:
        model = MODELS.build(cfg.model)
    except (KeyError, TypeError, ValueError, OSError) as error:
        sys.exit(f'cannot build the model of {config}: {error}\n(training-only parts such as '
                 'losses can be left out with --cfg-options, e.g. model.perceptual_loss=None)')
    if not isinstance(model, BaseSTVSRModel):
        sys.exit(f'{config} builds a {type(model).__name__}: this tool counts space-time SR '
                 'models (BaseSTVSRModel and its subclasses)')
    return model.eval()


def count_params(model: nn.Module) -> dict:
    """Parameters of the generator: total, trainable, per top-level child; and outside it."""
    generator = model.generator
    groups = {name: list(child.parameters()) for name, child in generator.named_children()}
    own = list(generator.parameters(recurse=False))
    if own:
        groups['(generator itself)'] = own

    def numel(params, trainable=False):
        return sum(p.numel() for p in params if p.requires_grad or not trainable)

    generator_ids = {id(p) for p in generator.parameters()}
    return dict(
        total=numel(generator.parameters()),
        trainable=numel(generator.parameters(), trainable=True),
        by_module={name: numel(params) for name, params in groups.items()},
        trainable_by_module={name: numel(params, True) for name, params in groups.items()},
        outside_generator=numel(p for p in model.parameters() if id(p) not in generator_ids))


def make_inputs(model: nn.Module, input_shape: Sequence[int],
                device: Union[str, torch.device]) -> Tuple[torch.Tensor, Optional[DataSample]]:
    """A random clip ``(1, T, 3, H, W)`` and the model's ``extra_inputs`` (zero flows), or None.

    The extra inputs are the pipeline's Farneback flows, ``(1, T - 1, 2, H, W)`` each.
    """
    t, h, w = input_shape
    inputs = torch.rand(1, t, 3, h, w, device=device)
    data_samples = None
    if model.extra_inputs:
        data_samples = DataSample(
            **{key: torch.zeros(1, t - 1, 2, h, w, device=device)
               for key in model.extra_inputs})
    return inputs, data_samples


def count_flops(model: nn.Module, input_shape: Sequence[int],
                device: Union[str, torch.device], fast: bool = False) -> dict:
    """MACs of one ``mode='tensor'`` forward on a random clip, total and per generator child.

    ``fast``: trace under :class:`ShapeOnlyMode` (same counts, no arithmetic on large tensors).
    """
    t = input_shape[0]
    model = model.to(device)
    inputs, data_samples = make_inputs(model, input_shape, device)
    analyzer = FlopAnalyzer(TensorForward(model, data_samples), (inputs, ))
    # aten::lift_fresh only turns constants (the zero flows) into graph inputs
    add_dcn_handles(analyzer)
    analyzer.set_op_handle('aten::einsum', einsum_flop_jit, 'aten::lift_fresh', None)
    analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    analyzer.tracer_warnings('none')
    mode = ShapeOnlyMode() if fast else contextlib.nullcontext()
    if fast:
        analyzer.set_op_handle('prim::Constant', mode.constant_handle)
    try:
        with mode, torch.no_grad():  # the trace runs here; the totals below reuse it
            macs = int(analyzer.total())
    except RuntimeError as error:
        if not fast or str(error).startswith('--fast'):
            raise
        raise RuntimeError(f'--fast could not trace this model ({str(error).splitlines()[0]}): '
                           'count without --fast') from error
    generator_macs = int(analyzer.total('model.generator'))
    by_module = {
        name: int(analyzer.total(f'model.generator.{name}'))
        for name, _ in model.generator.named_children()
    }
    # ops run by the generator's own forward (concatenations, warping...) and by the model's
    for name, rest in (('(generator itself)', generator_macs - sum(by_module.values())),
                       ('(outside the generator)', macs - generator_macs)):
        if rest:
            by_module[name] = rest
    frames = num_output_frames(t, len(model.times))
    return dict(
        convention=CONVENTION,
        macs=macs,
        flops=2 * macs,
        flops_per_output_frame=2 * macs / frames,
        gflops_per_output_frame=2 * macs / frames / 1e9,
        macs_by_module=by_module,
        macs_by_operator={k: int(v) for k, v in analyzer.by_operator().items()},
        uncounted_ops=dict(analyzer.unsupported_ops()))


# ------------------------------------------------------------------ output
def describe(config: str, model: nn.Module, input_shape: Sequence[int]) -> dict:
    """The config, model and generator names and the input and output clip shapes."""
    t, h, w = input_shape
    return dict(
        config=config,
        model=type(model).__name__,
        generator=type(model.generator).__name__,
        input_shape=[t, h, w],
        output_shape=[num_output_frames(t, len(model.times)), h * model.scale, w * model.scale])


def format_header(result: dict) -> List[str]:
    """The lines naming the config, the model and the clip shapes of :func:`describe`."""
    return [
        f"config: {result['config']}",
        f"model: {result['model']} (generator {result['generator']})",
        'input: {} LR frames of {}x{} -> {} output frames of {}x{}'.format(
            *result['input_shape'], *result['output_shape'])
    ]


def format_table(result: dict) -> str:
    """The results as a readable text table."""
    params, flops = result['params'], result['flops']
    frames = result['output_shape'][0]
    lines = format_header(result) + ['']
    macs_by_module = flops['macs_by_module'] if flops else {}
    header = f"{'module':<26}{'params':>14}{'trainable':>14}"
    if flops:
        header += f"{'GMACs':>12}{'GFLOPs/frame':>14}"
    rule = '-' * len(header)

    def row(name, num, trainable, macs):
        line = f'{name:<26}{num:>14,}{trainable:>14,}'
        if flops:
            line += f'{macs / 1e9:>12.3f}{2 * macs / frames / 1e9:>14.3f}'
        return line

    lines += [header, rule]
    for name in dict.fromkeys([*params['by_module'], *macs_by_module]):
        lines.append(
            row(name, params['by_module'].get(name, 0),
                params['trainable_by_module'].get(name, 0), macs_by_module.get(name, 0)))
    total_macs = flops['macs'] if flops else 0
    lines += [rule, row('total', params['total'], params['trainable'], total_macs)]
    if params['outside_generator']:
        lines.append(f"parameters outside the generator (losses, ...; not in the total): "
                     f"{params['outside_generator']:,}")
    if flops:
        lines += [
            '', f"FLOPs per output frame: {flops['gflops_per_output_frame']:.3f} G "
            f"({flops['flops']:,} FLOPs for {frames} frames)", f"convention: {flops['convention']}"
        ]
        if flops['uncounted_ops']:
            ops = ', '.join(f'{k} x{v}' for k, v in sorted(flops['uncounted_ops'].items()))
            lines.append(f'operators not counted: {ops}')
    return '\n'.join(lines)


def write_json(path: str, data) -> None:
    """Write ``data`` as JSON atomically (temporary file in the same folder, then rename)."""
    with atomic_output(path) as tmp, open(tmp, 'w') as f:
        json.dump(data, f, indent=2)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the tool on ``argv`` (default: the command line) and return the results."""
    args = parse_args(argv)
    model = build_model(args.config, args.cfg_options)
    result = dict(
        **describe(args.config, model, args.input_shape),
        params=count_params(model),
        flops=None if args.params_only else count_flops(
            model, args.input_shape, args.device, fast=args.fast))
    print(format_table(result))
    if args.json:
        write_json(args.json, result)
        print(f'results written to {args.json}')
    return result


if __name__ == '__main__':
    main()
