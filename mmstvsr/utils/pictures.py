"""Labels drawn on pictures: the side-by-side tool, the comparison video and the clip strips."""
from typing import Sequence, Tuple

import cv2
import numpy as np


def text_tile(width: int, height: int, texts: Sequence[Tuple[int, str]], font_scale: float,
              margin: int) -> np.ndarray:
    """A white BGR tile ``(height, width, 3)`` uint8 with black texts on one baseline.

    Args:
        width (int): Tile width.
        height (int): Tile height.
        texts (Sequence[tuple[int, str]]): ``(x, text)`` of each text, x of its left edge.
        font_scale (float): OpenCV's Hershey simplex scale.
        margin (int): Pixels from the baseline to the bottom of the tile.

    Returns:
        np.ndarray: The tile.
    """
    tile = np.full((height, width, 3), 255, np.uint8)
    for x, text in texts:
        cv2.putText(tile, text, (x, height - margin), cv2.FONT_HERSHEY_SIMPLEX, font_scale,
                    (0, 0, 0), 1, cv2.LINE_AA)
    return tile
