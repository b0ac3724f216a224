"""ESPCN (Shi et al., CVPR 2016), the DSFN authors' spatial upsampling network M_S."""
from typing import Sequence

import torch
import torch.nn as nn
from mmagic.registry import MODELS
from mmengine.model import BaseModule


@MODELS.register_module()
class ESPCNNet(BaseModule):
    """Efficient sub-pixel convolutional network.

    ``5x5 conv -> tanh -> 3x3 conv -> tanh -> 3x3 conv -> tanh -> 3x3 conv -> PixelShuffle ->
    sigmoid``, with ``mid_channels`` (64, 64, 32) as in the paper and the DSFN authors' code,
    which runs it on the Y channel (``in_channels=1``; see
    :class:`~mmstvsr.models.editors.dsfn.SpatialUpsampler` with ``colour='y'``).

    Args:
        in_channels (int): Input (and output) channels. Default: 1 (Y).
        mid_channels (Sequence[int]): Channels of the three hidden layers. Default: (64, 64, 32).
        scale (int): Upsampling factor. Default: 2.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 in_channels: int = 1,
                 mid_channels: Sequence[int] = (64, 64, 32),
                 scale: int = 2,
                 init_cfg=None):
        super().__init__(init_cfg)
        if len(mid_channels) != 3:
            raise ValueError(f'ESPCNNet has three hidden layers, got mid_channels={mid_channels}')
        c1, c2, c3 = mid_channels
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, c1, 5, padding=2), nn.Tanh(), nn.Conv2d(c1, c2, 3, padding=1),
            nn.Tanh(), nn.Conv2d(c2, c3, 3, padding=1), nn.Tanh(),
            nn.Conv2d(c3, in_channels * scale**2, 3, padding=1), nn.PixelShuffle(scale),
            nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, in_channels, h, w)`` in [0, 1] -> ``(N, in_channels, scale*h, scale*w)``."""
        return self.body(x)
