"""How a model runs: its precision (fp32, bf16 or fp16 autocast) and memory format.

A :class:`RunPath` names one way to run a model; :func:`default_path` picks the one the tools use
when nothing is asked, :func:`available_paths` lists what a device can do. :func:`prepare_model`,
:func:`prepare_inputs` and :func:`autocast` apply a path; :func:`fp32_region` marks the parts of a
model that must stay in float32 under autocast (deformable convolution, which has no bf16 CPU
kernel, flow warps, whose sampling positions need float32, and MATLAB bicubic matrix products).

Typical use::

    path = default_path(device, parse_precision('bf16'))
    model = prepare_model(model, path)
    with torch.no_grad(), autocast(path, device):
        out = model(prepare_inputs(x, path))
"""
import contextlib
import functools
from dataclasses import dataclass
from typing import Callable, ContextManager, List, Union

import torch
import torch.nn as nn

#: The precisions a model can run at, as the tools spell them.
PRECISIONS = ('fp32', 'bf16', 'fp16')
_DTYPES = {'fp32': torch.float32, 'bf16': torch.bfloat16, 'fp16': torch.float16}
_ALIASES = {'float32': 'fp32', 'float': 'fp32', 'bfloat16': 'bf16', 'float16': 'fp16',
            'half': 'fp16'}
_LOW = (torch.bfloat16, torch.float16)

DeviceLike = Union[str, torch.device]


@dataclass(frozen=True)
class RunPath:
    """One way to run a model.

    Args:
        precision (str): ``'fp32'`` (no autocast), ``'bf16'`` or ``'fp16'`` (``torch.autocast``
            with that dtype; parameters stay float32).
        channels_last (bool): Whether 4D weights and inputs are in ``torch.channels_last``
            memory format (the same values, a faster layout for oneDNN and cuDNN convolutions).
    """
    precision: str = 'fp32'
    channels_last: bool = False

    def __post_init__(self):
        if self.precision not in PRECISIONS:
            raise ValueError(f'precision must be one of {", ".join(PRECISIONS)}, '
                             f'got {self.precision!r}')

    @property
    def name(self) -> str:
        """``'fp32'``, ``'fp32-cl'``, ``'bf16-cl'``, ...: the precision, ``-cl`` when
        channels_last."""
        return self.precision + ('-cl' if self.channels_last else '')

    @property
    def dtype(self) -> torch.dtype:
        """The autocast dtype (``torch.float32`` for fp32, which uses no autocast)."""
        return _DTYPES[self.precision]


def parse_precision(text: str) -> str:
    """``'fp32'``, ``'bf16'`` or ``'fp16'`` from a user's text (also ``float32``, ``bfloat16``,
    ``float16``, ``half``; any case); a one-line ``ValueError`` naming the choices otherwise."""
    key = str(text).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in PRECISIONS:
        raise ValueError(f'unknown precision {text!r}: choose one of {", ".join(PRECISIONS)}')
    return key


def _device(device: DeviceLike) -> torch.device:
    return device if isinstance(device, torch.device) else torch.device(device)


def cpu_supports_bf16() -> bool:
    """Whether this CPU runs bf16 natively in oneDNN (AVX512-BF16 or AMX); without it bf16 is
    emulated and slower than fp32."""
    if not torch.backends.mkldnn.is_available():
        return False
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a build without the query
        return False


def _precisions(device: torch.device) -> List[str]:
    if device.type == 'cpu':
        return ['fp32'] + (['bf16'] if cpu_supports_bf16() else [])
    if device.type == 'cuda':
        bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        return ['fp32', 'fp16'] + (['bf16'] if bf16 else [])
    return ['fp32']


def available_paths(device: DeviceLike) -> List[RunPath]:
    """Every :class:`RunPath` that ``device`` can run: fp32 everywhere, bf16 on a CPU with native
    bf16 and on CUDA devices that support it, fp16 on CUDA only; each in NCHW and channels_last
    (for CPU and CUDA)."""
    device = _device(device)
    layouts = (False, True) if device.type in ('cpu', 'cuda') else (False, )
    return [RunPath(p, cl) for p in _precisions(device) for cl in layouts]


def default_path(device: DeviceLike, precision: str = 'fp32') -> RunPath:
    """The path the tools use at ``precision`` on ``device``.

    channels_last on CPU at every precision: oneDNN's convolutions are faster in that layout
    (measured on the default model, 4x72x88 on 2 AVX-512 cores: x1.2 in fp32) and the outputs
    differ from NCHW's only by float rounding (the Y-PSNR of the bundled test clips moves by
    < 0.005 dB, ``tests/test_fast_path.py``). On CUDA channels_last for fp16/bf16 (tensor-core
    convolutions want it), NCHW for fp32 (not measured here: no GPU was available).

    Raises:
        ValueError: ``precision`` is not one ``device`` can run (one line, naming the fix).
    """
    device = _device(device)
    precision = parse_precision(precision)
    if precision not in _precisions(device):
        raise ValueError(f'precision {precision} is not available on {device.type} (this device '
                         f'runs {", ".join(_precisions(device))}): use --precision fp32')
    channels_last = device.type == 'cpu' or (device.type == 'cuda' and precision != 'fp32')
    return RunPath(precision, channels_last)


def prepare_model(model: nn.Module, path: RunPath) -> nn.Module:
    """Put ``model``'s 4D parameters and buffers in ``path``'s memory format, in place.

    The values, ``requires_grad``, the train/eval mode and the parameter objects (so an optimizer
    built before) are kept; weights stay float32 at every precision (autocast casts per op).
    An NCHW path puts them back in the contiguous format (a no-op for a model never converted).

    Returns:
        nn.Module: ``model``.
    """
    model.to(memory_format=torch.channels_last if path.channels_last else torch.contiguous_format)
    return model


def prepare_inputs(tensor: torch.Tensor, path: RunPath) -> torch.Tensor:
    """``tensor`` in ``path``'s memory format: a 4D ``(N, C, H, W)`` tensor becomes
    channels_last; any other (e.g. frames ``(B, T, C, H, W)``, flows ``(B, T, 2, H, W)``) is
    returned as is.

    5D inputs are left alone on purpose: ``channels_last_3d`` would treat ``T`` as the channels.
    The models fold them to ``(B*T, C, H, W)`` themselves, and a convolution with channels_last
    weights gives channels_last outputs whatever its input's layout, so from the first
    convolution on the features are channels_last anyway.
    """
    if path.channels_last and isinstance(tensor, torch.Tensor) and tensor.dim() == 4:
        return tensor.contiguous(memory_format=torch.channels_last)
    return tensor


def autocast(path: RunPath, device: DeviceLike) -> ContextManager:
    """``torch.autocast`` on ``device`` with ``path``'s dtype; a null context for fp32."""
    if path.precision == 'fp32':
        return contextlib.nullcontext()
    return torch.autocast(device_type=_device(device).type, dtype=path.dtype)


def autocast_forward(module: nn.Module, path: RunPath, device: DeviceLike) -> nn.Module:
    """Make ``module``'s forward run under :func:`autocast` and return float32, in place.

    Low-precision tensor outputs (also in lists, tuples and dicts) are cast to float32, so what
    follows the module (e.g. a model's de-normalisation to [0, 255], a metric) runs in float32
    outside autocast. Applying another path replaces the previous one; fp32 restores the
    module's own forward.

    Returns:
        nn.Module: ``module``.
    """
    if hasattr(module.__dict__.get('forward'), 'run_path'):  # an earlier autocast_forward's
        del module.forward
    if path.precision == 'fp32':
        return module
    forward = module.forward

    @functools.wraps(forward)
    def forward_under_autocast(*args, **kwargs):
        with autocast(path, device):
            outputs = forward(*args, **kwargs)
        return _cast(outputs, _to_float32)

    forward_under_autocast.run_path = path
    module.forward = forward_under_autocast
    return module


def _tensors(obj):
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _tensors(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _tensors(item)


def _cast(obj, fn):
    if isinstance(obj, torch.Tensor):
        return fn(obj)
    if isinstance(obj, tuple) and not hasattr(obj, '_fields'):
        return tuple(_cast(item, fn) for item in obj)
    if isinstance(obj, list):
        return [_cast(item, fn) for item in obj]
    if isinstance(obj, dict):
        return {key: _cast(item, fn) for key, item in obj.items()}
    return obj


def _to_float32(t: torch.Tensor) -> torch.Tensor:
    return t.float() if t.dtype in _LOW else t


def fp32_region(fn: Callable) -> Callable:
    """Decorator: run ``fn`` in float32 with autocast off, return in the input's precision.

    For the ops of a model that lack or must avoid low precision under :func:`autocast`:
    deformable convolution (torchvision's has no bf16 CPU kernel), flow warps (sampling
    positions in bf16 are off by up to a pixel at 256 px), MATLAB bicubic matrix products.
    bf16/fp16 tensor arguments (also in lists, tuples and dicts) are cast to float32; float32 and
    float64 ones are left alone, so a float64 model (the golden tests) stays float64. Tensor
    results are cast back to the dtype of the first floating-point tensor argument when that one
    was bf16/fp16. Without autocast and without low-precision arguments ``fn`` runs untouched.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        floats = [t for t in _tensors((args, kwargs)) if t.is_floating_point()]
        device_type = floats[0].device.type if floats else 'cpu'
        low = any(t.dtype in _LOW for t in floats)
        if not low and not torch.is_autocast_enabled(device_type):
            return fn(*args, **kwargs)
        with torch.autocast(device_type=device_type, enabled=False):
            result = fn(*_cast(args, _to_float32), **_cast(kwargs, _to_float32))
        if floats and floats[0].dtype in _LOW:
            dtype = floats[0].dtype
            result = _cast(result, lambda t: t.to(dtype) if t.is_floating_point() else t)
        return result

    return wrapper
