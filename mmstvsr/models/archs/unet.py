"""A U-Net (Ronneberger et al., 2015) of the bilinear-upsampling kind, used by STARnet's flow
refinement."""
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Sequential):
    """Two ``3x3 conv -> BatchNorm -> ReLU`` layers (BatchNorm left out with ``norm=False``).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        norm (bool): Use BatchNorm. Default: True.
    """

    def __init__(self, in_channels: int, out_channels: int, norm: bool = True):
        layers = []
        for c_in in (in_channels, out_channels):
            layers.append(nn.Conv2d(c_in, out_channels, 3, padding=1))
            if norm:
                layers.append(nn.BatchNorm2d(out_channels))
            layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class UNet(nn.Module):
    """U-Net with ``num_levels`` 2x max-pool downsamplings and bilinear upsamplings.

    Encoder channels are ``base_channels * 2**k`` for levels ``k < num_levels`` and the deepest
    level keeps the channels of the one above it (the bilinear U-Net's halving); each decoder
    level concatenates the skip feature with the upsampled one and halves the channels, the last
    one returning to ``base_channels``; a 1x1 convolution gives the output. STARnet's flow
    refinement is ``UNet(8, 2, 64, 5, out_act='sigmoid')``: 64 ... 1024, 1024.

    Inputs of any size work: an upsampled feature is zero-padded to its skip feature's size, and
    an input smaller than ``2**num_levels`` is replicate-padded to it (the output cropped back).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        base_channels (int): Channels of the first level. Default: 64.
        num_levels (int): Downsamplings. Default: 5.
        norm (bool): BatchNorm in the convolution pairs. Default: True.
        out_act (str | None): ``'sigmoid'``, ``'tanh'`` or None on the output. Default: None.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 base_channels: int = 64,
                 num_levels: int = 5,
                 norm: bool = True,
                 out_act: Optional[str] = None):
        super().__init__()
        if out_act not in (None, 'sigmoid', 'tanh'):
            raise ValueError(f"out_act must be None, 'sigmoid' or 'tanh', got {out_act!r}")
        enc = [base_channels * 2**k for k in range(num_levels)]
        enc.append(enc[-1])
        self.inc = DoubleConv(in_channels, enc[0], norm)
        self.downs = nn.ModuleList(
            [DoubleConv(enc[k], enc[k + 1], norm) for k in range(num_levels)])
        dec_out = enc[num_levels - 2::-1] + [base_channels]
        dec_in = [enc[num_levels] + enc[num_levels - 1]]
        dec_in += [dec_out[j] + enc[num_levels - 2 - j] for j in range(num_levels - 1)]
        self.ups = nn.ModuleList(
            [DoubleConv(c_in, c_out, norm) for c_in, c_out in zip(dec_in, dec_out)])
        self.out_conv = nn.Conv2d(base_channels, out_channels, 1)
        self.out_act = out_act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> ``(B, out_channels, H, W)``."""
        h, w = x.shape[-2:]
        min_size = 2**len(self.downs)
        if h < min_size or w < min_size:
            x = F.pad(x, (0, max(min_size - w, 0), 0, max(min_size - h, 0)), mode='replicate')
        skips: List[torch.Tensor] = [self.inc(x)]
        for down in self.downs:
            skips.append(down(F.max_pool2d(skips[-1], 2)))
        x = skips.pop()
        for up in self.ups:
            skip = skips.pop()
            x = F.interpolate(x, scale_factor=2., mode='bilinear', align_corners=True)
            dy, dx = skip.size(2) - x.size(2), skip.size(3) - x.size(3)
            x = F.pad(x, (dx // 2, dx - dx // 2, dy // 2, dy - dy // 2))
            x = up(torch.cat([skip, x], dim=1))
        x = self.out_conv(x)[..., :h, :w]
        if self.out_act == 'sigmoid':
            return torch.sigmoid(x)
        return torch.tanh(x) if self.out_act == 'tanh' else x
