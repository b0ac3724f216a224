"""The refinement module R of the Dual-Stream Fusion Network (Sec. 3.3)."""
import torch
import torch.nn as nn
from mmagic.registry import MODELS

from mmstvsr.models.archs import ResBlock


@MODELS.register_module()
class RefinementModule(nn.Module):
    """Residual refinement of the fused frame, Eq. 10: ``H_R = R(H_F) + H_F``.

    ``R``: a 7x7 convolution with ReLU, ``num_blocks`` residual blocks without normalisation or
    biases (``relu(conv(relu(conv(x))) + x)``, no up- or downsampling) and a 3x3 convolution back
    to the image channels, with ``mid_channels`` 128 and PyTorch's default initialisation as the
    authors' code.

    Args:
        channels (int): Image channels. Default: 3.
        mid_channels (int): Feature channels. Default: 128.
        num_blocks (int): Residual blocks. Default: 3.
    """

    def __init__(self, channels: int = 3, mid_channels: int = 128, num_blocks: int = 3):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, mid_channels, 7, padding=3), nn.ReLU(inplace=True),
            *[
                ResBlock(mid_channels, act_type='relu', bias=False, kaiming=False)
                for _ in range(num_blocks)
            ],
            nn.Conv2d(mid_channels, channels, 3, padding=1))

    def forward(self, hr_fused: torch.Tensor) -> torch.Tensor:
        """``(N, 3, H, W)`` -> ``(N, 3, H, W)``."""
        return hr_fused + self.body(hr_fused)
