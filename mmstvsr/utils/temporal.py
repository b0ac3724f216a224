"""Temporal bookkeeping shared by models, datasets and tools.

A space-time SR model maps ``T`` input frames to ``T + (T - 1) * K`` output frames: every input
frame plus ``K`` intermediate frames at the relative positions ``t'`` in (0, 1) between each pair of
neighbouring inputs (``K = 1, t' = 0.5`` for the usual x2 temporal upsampling).
"""
from typing import Callable, List, Optional, Sequence, Tuple, TypeVar

import torch

Frame = TypeVar('Frame')


def check_times(times: Sequence[float]) -> Tuple[float, ...]:
    """Validate intermediate temporal positions.

    Args:
        times (Sequence[float]): Positions t' of the intermediate frames, strictly inside (0, 1) and
            strictly increasing.

    Returns:
        tuple[float]: The positions as floats.
    """
    times = tuple(float(t) for t in times)
    if len(times) == 0:
        raise ValueError('times must name at least one intermediate position in (0, 1)')
    if any(not 0.0 < t < 1.0 for t in times):
        raise ValueError(
            f'every intermediate position must lie strictly inside (0, 1), got {times}')
    if any(b <= a for a, b in zip(times, times[1:])):
        raise ValueError(f'intermediate positions must be strictly increasing, got {times}')
    return times


def uniform_times(factor: int) -> Tuple[float, ...]:
    """Intermediate positions of an integer temporal upsampling factor.

    Args:
        factor (int): Temporal factor (2 gives ``(0.5,)``, 4 gives ``(0.25, 0.5, 0.75)``).

    Returns:
        tuple[float]: ``factor - 1`` evenly spaced positions in (0, 1).
    """
    if int(factor) != factor or factor < 2:
        raise ValueError(f'temporal factor must be an integer >= 2, got {factor}')
    return tuple(i / factor for i in range(1, int(factor)))


def num_output_frames(num_inputs: int, num_times: int) -> int:
    """Number of output frames for ``num_inputs`` inputs and ``num_times`` positions per gap."""
    return num_inputs + (num_inputs - 1) * num_times


def interleave(num_inputs: int, times: Sequence[float], at_input: Callable[[int], Frame],
               between: Callable[[int, float], Frame]) -> List[Frame]:
    """Build the output sequence in time order: input 0, its K intermediates, input 1, ...

    Args:
        num_inputs (int): Number of input frames T.
        times (Sequence[float]): Intermediate positions t' per gap.
        at_input (callable): ``at_input(i)`` gives the output at input time i.
        between (callable): ``between(i, t)`` gives the output at time ``i + t``.

    Returns:
        list: ``T + (T - 1) * K`` outputs.
    """
    outputs = []
    for i in range(num_inputs):
        outputs.append(at_input(i))
        if i < num_inputs - 1:
            outputs.extend(between(i, float(t)) for t in times)
    return outputs


def output_timestamps(num_inputs: int, times: Sequence[float]) -> torch.Tensor:
    """Time stamps of all output frames, in input-frame units.

    Args:
        num_inputs (int): Number of input frames T.
        times (Sequence[float]): Intermediate positions t' per gap.

    Returns:
        Tensor: ``(T + (T - 1) * K,)`` stamps, e.g. ``[0, 0.5, 1, 1.5, 2]`` for T=3, K=1.
    """
    return torch.tensor(interleave(num_inputs, times, float, lambda i, t: i + t))


def plan_windows(num_inputs: int, window: int,
                 stride: Optional[int] = None) -> List[Tuple[int, int]]:
    """Split a long clip into overlapping windows of input frames.

    Windows start every ``stride`` inputs; the last window is shifted back so it ends at the last
    input, so every window has exactly ``window`` inputs (unless the clip is shorter).

    Args:
        num_inputs (int): Number of input frames of the clip.
        window (int): Input frames per window (>= 2).
        stride (int, optional): Step between window starts, ``1 <= stride <= window - 1`` so that
            neighbouring windows share a frame and every gap is inside some window. Defaults to
            ``window - 1`` (no redundant work).

    Returns:
        list[tuple[int, int]]: ``(start, stop)`` input ranges, ``stop`` exclusive.
    """
    if window < 2:
        raise ValueError(f'a test window needs at least 2 input frames, got window={window}')
    stride = window - 1 if stride is None else stride
    if not 1 <= stride <= window - 1:
        raise ValueError(f'window stride must be in [1, window - 1] = [1, {window - 1}] so that '
                         f'no gap between inputs is skipped, got stride={stride}')
    if num_inputs <= window:
        return [(0, num_inputs)]
    starts = list(range(0, num_inputs - window + 1, stride))
    if starts[-1] + window < num_inputs:
        starts.append(num_inputs - window)
    return [(s, s + window) for s in starts]


def window_output_slices(num_inputs: int, window: int, stride: Optional[int],
                         num_times: int) -> List[Tuple[int, int, slice]]:
    """Which outputs of each window to keep so that every output frame is produced exactly once.

    Args:
        num_inputs (int): Number of input frames of the clip.
        window (int): Input frames per window.
        stride (int, optional): Step between window starts (see :func:`plan_windows`).
        num_times (int): Intermediate frames per gap K.

    Returns:
        list[tuple[int, int, slice]]: For each window ``(start, stop, keep)``: its input range and
        the slice of that window's own outputs to append to the result, in order.
    """
    per_input = num_times + 1
    plan = []
    produced = 0  # global index of the next output frame still missing
    for start, stop in plan_windows(num_inputs, window, stride):
        first_global = start * per_input
        last_global = (stop - 1) * per_input  # inclusive
        keep = slice(produced - first_global, last_global - first_global + 1)
        plan.append((start, stop, keep))
        produced = last_global + 1
    return plan
