"""STINet phase 1: flow adaptation (Eq. 1) and spatial-temporal feature interpolation (ST-FI)."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmstvsr.models.archs.projection_blocks import (ConvBlock, DeconvBlock, ResBlock,
                                                    projection_kernel)


def adapt_flows(flow_fwd: torch.Tensor, flow_bwd: torch.Tensor,
                t: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """Flows from the intermediate time t' to both neighbours, assuming linear motion (Eq. 1).

    With neighbours at relative times 0 and 1 and ``t`` the position of t' between them:
    ``O_{t'->0} = t * O_{1->0}`` and ``O_{t'->1} = (1 - t) * O_{0->1}`` (t = 0.5 halves both, as the
    authors' code hard-codes).

    Args:
        flow_fwd (Tensor): ``O_{0->1}``, ``(B, 2, h, w)``.
        flow_bwd (Tensor): ``O_{1->0}``, ``(B, 2, h, w)``.
        t (float): Position in (0, 1).

    Returns:
        tuple[Tensor, Tensor]: ``(O_{t'->1}, O_{t'->0})``, each ``(B, 2, h, w)``, in the order the
        motion subnet concatenates them (forward first).
    """
    return (1 - t) * flow_fwd, t * flow_bwd


class MotionNet(nn.Module):
    """Mnet: motion representation M_t from the two adapted flows (Sec. 3.2).

    conv(4 -> C_m) -> 2 residual blocks -> conv(C_m -> C), LeakyReLU(0.1) throughout.

    Args:
        mid_channels (int): Output channels C. Default: 64.
        motion_channels (int): Inner channels C_m. Default: 32.
    """

    def __init__(self, mid_channels: int = 64, motion_channels: int = 32):
        super().__init__()
        self.body = nn.Sequential(
            ConvBlock(4, motion_channels, 3, 1, 1, act_type='lrelu'),
            ResBlock(motion_channels, act_type='lrelu'),
            ResBlock(motion_channels, act_type='lrelu'),
            ConvBlock(motion_channels, mid_channels, 3, 1, 1, act_type='lrelu'))

    def forward(self, flow_to_next: torch.Tensor, flow_to_prev: torch.Tensor) -> torch.Tensor:
        """``(B, 2, h, w)`` x 2 -> M_t ``(B, C, h, w)``."""
        return self.body(torch.cat([flow_to_next, flow_to_prev], dim=1))


class STFI(nn.Module):
    """ST-FI: interpolate LR and HR features at t' through shared residual blocks (Sec. 3.2).

    Pnet concatenates the neighbours' features with M_t (bilinearly upsampled for HR) and runs
    two branches that meet in ``num_shared`` residual blocks whose weights are SHARED between the
    LR and the HR branch (one module, not copies):

    - LR: deconv(3C -> C, up) -> ResBlock -> shared blocks -> ResBlock -> conv(C -> C, down);
    - HR: conv(3C -> C) -> shared blocks -> ResBlock -> conv(C -> C).

    The paper's skip connection around the shared blocks is the residual path of the blocks.

    Args:
        mid_channels (int): Feature channels C. Default: 64.
        scale (int): Spatial scale between HR and LR features. Default: 4.
        num_shared (int): Shared residual blocks. Default: 5.
        share_blocks (bool): False gives separate blocks per branch ("ST-FI w/o share",
            Table 4). Default: True.
        use_flows (bool): False drops the motion input ("w/o optical flows", Table 3): the
            branches see only the two neighbours (2C channels). Default: True.
        use_lr (bool): Build the LR branch. Default: True.
        use_hr (bool): Build the HR branch. Default: True.
        motion_channels (int): Inner channels of Mnet. Default: 32.
    """

    def __init__(self,
                 mid_channels: int = 64,
                 scale: int = 4,
                 num_shared: int = 5,
                 share_blocks: bool = True,
                 use_flows: bool = True,
                 use_lr: bool = True,
                 use_hr: bool = True,
                 motion_channels: int = 32):
        super().__init__()
        c = mid_channels
        in_c = 3 * c if use_flows else 2 * c
        kernel, stride, pad = projection_kernel(scale)
        self.scale = scale
        self.motion = MotionNet(c, motion_channels) if use_flows else None

        def shared_blocks():
            return nn.Sequential(*[ResBlock(c, act_type='lrelu') for _ in range(num_shared)])

        shared = shared_blocks()
        self.lr_branch = nn.Sequential(
            DeconvBlock(in_c, c, kernel, stride, pad, act_type='lrelu'),
            ResBlock(c, act_type='lrelu'), shared, ResBlock(c, act_type='lrelu'),
            ConvBlock(c, c, kernel, stride, pad, act_type='lrelu')) if use_lr else None
        self.hr_branch = nn.Sequential(
            ConvBlock(in_c, c, 3, 1, 1, act_type='lrelu'),
            shared if share_blocks or not use_lr else shared_blocks(),
            ResBlock(c, act_type='lrelu'),
            ConvBlock(c, c, 3, 1, 1, act_type='lrelu')) if use_hr else None

    def forward(self,
                lr_pair: Optional[Tuple[torch.Tensor, torch.Tensor]],
                hr_pair: Optional[Tuple[torch.Tensor, torch.Tensor]],
                flows: Optional[Tuple[torch.Tensor, torch.Tensor]] = None):
        """Interpolate one intermediate frame.

        Args:
            lr_pair (tuple[Tensor] | None): LR features of the two neighbours, ``(B, C, h, w)``.
            hr_pair (tuple[Tensor] | None): HR features of the two neighbours, ``(B, C, H, W)``.
            flows (tuple[Tensor] | None): Adapted flows ``(O_{t'->next}, O_{t'->prev})`` at LR,
                ``(B, 2, h, w)`` each (see :func:`adapt_flows`).

        Returns:
            tuple[Tensor | None, Tensor | None]: ``L_t'`` ``(B, C, h, w)`` and ``H_t'``
            ``(B, C, H, W)`` (None for a branch that is not built).
        """
        motion = self.motion(*flows) if self.motion is not None else None
        lr_out = hr_out = None
        if self.lr_branch is not None:
            extra = [motion] if motion is not None else []
            lr_out = self.lr_branch(torch.cat([*lr_pair, *extra], dim=1))
        if self.hr_branch is not None:
            extra = [] if motion is None else [
                F.interpolate(motion, scale_factor=self.scale, mode='bilinear',
                              align_corners=True)
            ]
            hr_out = self.hr_branch(torch.cat([*hr_pair, *extra], dim=1))
        return lr_out, hr_out
