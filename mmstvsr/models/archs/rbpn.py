"""DBPN-S and RBPN (Haris et al., "Recurrent Back-Projection Network for Video Super-Resolution",
CVPR 2019), STARnet's S-SR network NetS."""
from typing import Optional, Sequence

import torch
import torch.nn as nn

from .projection_blocks import (ConvBlock, DownProjection, ResidualStack, UpProjection,
                                projection_kernel)


class DBPNS(nn.Module):
    """DBPN-S, RBPN's single-image projection branch.

    A 1x1 convolution squeezes the input feature to ``mid_channels``; ``num_stages``
    up-projections alternate with down-projections; a 1x1 convolution (no activation) fuses the
    concatenated HR features of all up-projections.

    Args:
        in_channels (int): Channels of the input LR feature (RBPN: 256).
        mid_channels (int): Channels of the projections and of the output (RBPN: 64).
        num_stages (int): Up-projections. Default: 3.
        scale (int): Upsampling factor. Default: 4.
    """

    def __init__(self, in_channels: int, mid_channels: int, num_stages: int = 3, scale: int = 4):
        super().__init__()
        kernel = projection_kernel(scale)
        self.squeeze = ConvBlock(in_channels, mid_channels, 1, 1, 0)
        self.up_projections = nn.ModuleList(
            [UpProjection(mid_channels, *kernel) for _ in range(num_stages)])
        self.down_projections = nn.ModuleList(
            [DownProjection(mid_channels, *kernel) for _ in range(num_stages - 1)])
        self.fusion = ConvBlock(num_stages * mid_channels, mid_channels, 1, 1, 0, act_type=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, h, w)`` -> HR feature ``(B, mid_channels, s*h, s*w)``."""
        hr = self.up_projections[0](self.squeeze(x))
        hr_feats = [hr]
        for down, up in zip(self.down_projections, self.up_projections[1:]):
            hr = up(down(hr))
            hr_feats.insert(0, hr)
        return self.fusion(torch.cat(hr_feats, dim=1))


class RBPN(nn.Module):
    """Recurrent back-projection network: a target frame super-resolved with its neighbours.

    For each neighbour ``j`` in turn: the single-image branch (:class:`DBPNS` on the target
    feature) gives ``h0``; the multi-image branch (a residual stack on the feature of
    ``cat(target, neighbour_j, flow_j)``) gives ``h1``; the HR feature is
    ``h = h0 + res(h0 - h1)`` and, brought down by a third residual stack, becomes the target
    feature for the next neighbour. The output is the concatenation of the HR features of all
    neighbours and its RGB image.

    With one neighbour (STARnet's NetS) the third residual stack is built, as in the authors'
    network, but not used. With none, only the single-image branch is built: DBPN-S as a
    single-image SR network (STARnet's "STAR with DBPN", Table 4).

    Args:
        in_channels (int): Image channels. Default: 3.
        base_channels (int): Channels of the LR features. Default: 256.
        mid_channels (int): Channels of the HR features. Default: 64.
        num_stages (int): Up-projections of :class:`DBPNS`. Default: 3.
        num_blocks (int): Residual blocks of each residual stack. Default: 5.
        num_neighbors (int): Neighbour frames. Default: 1.
        scale (int): Upsampling factor. Default: 4.
        use_flow (bool): Take a flow per neighbour (2 extra input channels). Default: True.
    """

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 256,
                 mid_channels: int = 64,
                 num_stages: int = 3,
                 num_blocks: int = 5,
                 num_neighbors: int = 1,
                 scale: int = 4,
                 use_flow: bool = True):
        super().__init__()
        kernel = projection_kernel(scale)
        self.use_flow = use_flow
        self.target_feat = ConvBlock(in_channels, base_channels)
        self.dbpns = DBPNS(base_channels, mid_channels, num_stages, scale)
        if num_neighbors > 0:
            self.pair_feat = ConvBlock(2 * in_channels + (2 if use_flow else 0), base_channels)
            self.multi_image = ResidualStack(base_channels, mid_channels, num_blocks, kernel,
                                             transposed=True)
            self.residual = ResidualStack(mid_channels, mid_channels, num_blocks)
            self.down = ResidualStack(mid_channels, base_channels, num_blocks, kernel)
        self.num_neighbors = num_neighbors
        self.out_channels = max(num_neighbors, 1) * mid_channels
        self.conv_rgb = ConvBlock(self.out_channels, in_channels, act_type=None)

    def forward(self,
                target: torch.Tensor,
                neighbors: Sequence[torch.Tensor],
                flows: Optional[Sequence[torch.Tensor]] = None):
        """Super-resolve ``target``.

        Args:
            target (Tensor): LR frame ``(B, C, h, w)``.
            neighbors (Sequence[Tensor]): Neighbour frames, each ``(B, C, h, w)``.
            flows (Sequence[Tensor], optional): Flow from the target to each neighbour
                ``(B, 2, h, w)``; required when ``use_flow``.

        Returns:
            tuple[Tensor, Tensor]: The RGB image ``(B, C, s*h, s*w)`` and the HR feature
            ``(B, out_channels, s*h, s*w)``, ``out_channels = max(num_neighbors, 1) *
            mid_channels``.
        """
        if len(neighbors) != self.num_neighbors:
            raise ValueError(f'this RBPN takes {self.num_neighbors} neighbour frames, '
                             f'got {len(neighbors)}')
        if self.use_flow and self.num_neighbors and (flows is None or len(flows) != len(neighbors)):
            raise ValueError('RBPN with use_flow=True needs one flow per neighbour')
        feat = self.target_feat(target)
        if not neighbors:
            hr = self.dbpns(feat)
            return self.conv_rgb(hr), hr
        hr_feats = []
        for j, neighbor in enumerate(neighbors):
            pair = [target, neighbor] + ([flows[j]] if self.use_flow else [])
            h0 = self.dbpns(feat)
            h1 = self.multi_image(self.pair_feat(torch.cat(pair, dim=1)))
            hr = h0 + self.residual(h0 - h1)
            hr_feats.append(hr)
            if j + 1 < len(neighbors):
                feat = self.down(hr)
        hr = torch.cat(hr_feats, dim=1)
        return self.conv_rgb(hr), hr
