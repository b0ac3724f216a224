"""Spatial tiling for inference on large frames: overlapping tiles blended with linear ramps.

Along each axis, tiles of ``tile`` LR pixels start every ``tile - overlap`` pixels (the last one
shifted back to end at the border). Where two tiles overlap by ``overlap`` pixels, the outer
quarter of the overlap next to each tile's inner edge, where its prediction misses context, gets
weight 0, and the middle half cross-fades linearly from one tile to the other (weights summing to
1). Edges on the frame border keep weight 1. A model whose receptive field is within
``overlap // 4`` LR pixels thus gives the same frames tiled as untiled.
"""
from typing import List, NamedTuple

import torch


class AxisTile(NamedTuple):
    """One tile along an axis: LR span ``[start, stop)`` and its output weights ``(s * len,)``."""

    start: int
    stop: int
    weights: torch.Tensor

    def output_slice(self, scale: int) -> slice:
        """The tile's span at the output resolution."""
        return slice(self.start * scale, self.stop * scale)


def tile_spans(size: int, tile: int, overlap: int) -> List[tuple]:
    """Overlapping spans covering ``[0, size)``.

    Args:
        size (int): Length of the axis in LR pixels.
        tile (int): Tile length; 0 (or >= size) gives one span over the whole axis.
        overlap (int): Overlap of neighbouring tiles, ``0 <= overlap < tile``.

    Returns:
        list[tuple[int, int]]: ``(start, stop)`` spans, ``stop`` exclusive.
    """
    if tile <= 0 or size <= tile:
        return [(0, size)]
    starts = list(range(0, size - tile + 1, tile - overlap))
    if starts[-1] + tile < size:
        starts.append(size - tile)
    return [(s, s + tile) for s in starts]


def ramp_weights(start: int, stop: int, size: int, overlap: int, scale: int) -> torch.Tensor:
    """Blending weights of the output pixels of the LR span ``[start, stop)`` (see module doc).

    Args:
        start (int): First LR pixel of the tile.
        stop (int): LR pixel after the tile.
        size (int): Length of the axis in LR pixels.
        overlap (int): Overlap of neighbouring tiles in LR pixels.
        scale (int): Spatial scale of the model.

    Returns:
        Tensor: ``((stop - start) * scale,)`` weights in [0, 1].
    """
    n = (stop - start) * scale
    weights = torch.ones(n)
    if overlap == 0:
        return weights
    centres = torch.arange(n, dtype=torch.float32) + 0.5  # distance to the tile's first edge
    margin = overlap // 4 * scale
    width = overlap * scale - 2 * margin
    if start > 0:
        weights = torch.minimum(weights, ((centres - margin) / width).clamp(0, 1))
    if stop < size:
        weights = torch.minimum(weights, ((n - centres - margin) / width).clamp(0, 1))
    return weights


def axis_tiles(size: int, tile: int, overlap: int, scale: int) -> List[AxisTile]:
    """The tiles along one axis with their blending weights.

    Args:
        size (int): Length of the axis in LR pixels.
        tile (int): Tile length in LR pixels (0: no tiling).
        overlap (int): Overlap in LR pixels.
        scale (int): Spatial scale of the model.

    Returns:
        list[AxisTile]: Tiles covering the axis; their weights sum to a positive value at every
        output pixel.
    """
    return [AxisTile(a, b, ramp_weights(a, b, size, overlap, scale))
            for a, b in tile_spans(size, tile, overlap)]


def weight_sum(tiles: List[AxisTile], scale: int) -> torch.Tensor:
    """Sum of the weights of an axis' tiles at every output pixel ``(s * size,)``."""
    total = torch.zeros(tiles[-1].stop * scale)
    for t in tiles:
        total[t.output_slice(scale)] += t.weights
    return total
