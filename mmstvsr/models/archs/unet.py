"""U-Nets (Ronneberger et al., 2015): the bilinear-upsampling kind of STARnet's flow refinement and
Super SloMo's, which the Dual-Stream Fusion Network's fusion module uses too."""
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .padding import crop_padding, pad_to_multiple


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


class SuperSloMoUNet(nn.Module):
    """The U-Net of Super SloMo (Jiang et al., CVPR 2018), also the DSFN fusion network.

    A stem of two 7x7 convolutions (``base_channels``), then ``num_levels`` levels of 2x average
    pooling and two convolutions (5x5 at the first level, 3x3 below) with channels
    ``base_channels * 2**k``, the deepest level keeping the channels of the one above it
    (32, 64, 128, 256, 512, 512 by default). Each decoder level upsamples bilinearly (x2), applies
    a 3x3 convolution to the skip's channels, concatenates the skip feature and fuses with another
    3x3 convolution. A 3x3 convolution gives the output. Every convolution of the levels is
    followed by LeakyReLU(0.1); the stem's and the output's activations are options: Super
    SloMo's flow and interpolation U-Nets have both, the DSFN authors' fusion U-Net neither.

    Inputs are replicate-padded to a multiple of ``2**num_levels`` and the output cropped back:
    the padding goes to the bottom and right, or, with ``centre_pad``, is split between both
    sides (the smaller half at the top / left) as the DSFN authors pad their U-Nets' inputs.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        base_channels (int): Channels of the stem. Default: 32.
        num_levels (int): Downsamplings. Default: 5.
        stem_act (bool): LeakyReLU after the stem convolutions. Default: True.
        out_act (bool): LeakyReLU on the output. Default: True.
        centre_pad (bool): Centred padding instead of bottom-right. Default: False.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 base_channels: int = 32,
                 num_levels: int = 5,
                 stem_act: bool = True,
                 out_act: bool = True,
                 centre_pad: bool = False):
        super().__init__()
        enc = [base_channels * 2**k for k in range(num_levels)]
        enc.append(enc[-1])
        self.size_divisor = 2**num_levels
        self.stem = nn.ModuleList([
            nn.Conv2d(in_channels, base_channels, 7, padding=3),
            nn.Conv2d(base_channels, base_channels, 7, padding=3)
        ])
        self.downs = nn.ModuleList()
        for k in range(num_levels):
            kernel = 5 if k == 0 else 3
            self.downs.append(
                nn.ModuleList([
                    nn.Conv2d(enc[k], enc[k + 1], kernel, padding=kernel // 2),
                    nn.Conv2d(enc[k + 1], enc[k + 1], kernel, padding=kernel // 2)
                ]))
        self.ups = nn.ModuleList()
        for k in range(num_levels, 0, -1):
            self.ups.append(
                nn.ModuleList([
                    nn.Conv2d(enc[k], enc[k - 1], 3, padding=1),
                    nn.Conv2d(2 * enc[k - 1], enc[k - 1], 3, padding=1)
                ]))
        self.out_conv = nn.Conv2d(base_channels, out_channels, 3, padding=1)
        self.stem_act = stem_act
        self.out_act = out_act
        self.centre_pad = centre_pad

    @staticmethod
    def _lrelu(x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(x, negative_slope=0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> ``(B, out_channels, H, W)``."""
        h, w = x.shape[-2:]
        x = pad_to_multiple(x, self.size_divisor, self.centre_pad)
        for conv in self.stem:
            x = self._lrelu(conv(x)) if self.stem_act else conv(x)
        skips = [x]
        for conv1, conv2 in self.downs:
            x = F.avg_pool2d(x, 2)
            x = self._lrelu(conv2(self._lrelu(conv1(x))))
            skips.append(x)
        skips.pop()
        for conv1, conv2 in self.ups:
            x = F.interpolate(x, scale_factor=2., mode='bilinear', align_corners=True)
            x = self._lrelu(conv1(x))
            x = self._lrelu(conv2(torch.cat([x, skips.pop()], dim=1)))
        x = self.out_conv(x)
        x = self._lrelu(x) if self.out_act else x
        return crop_padding(x, (h, w), self.size_divisor, self.centre_pad)
