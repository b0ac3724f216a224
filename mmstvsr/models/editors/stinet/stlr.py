"""STINet phase 2: spatial-temporal local refinement (ST-LR, Sec. 3.3)."""
from typing import Optional

import torch
import torch.nn as nn

from mmstvsr.models.archs import ModulatedDCNPack
from mmstvsr.models.archs.projection_blocks import ConvBlock, DeconvBlock, projection_kernel


class OffsetPredictor(nn.Module):
    """Offset features of a neighbour towards the centre: conv(2C -> C), LReLU, conv(C -> C)."""

    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(2 * channels, channels, 3, 1, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(channels, channels, 3, 1, 1))

    def forward(self, neighbour: torch.Tensor, centre: torch.Tensor) -> torch.Tensor:
        """``(B, C, h, w)`` x 2 -> offset features ``(B, C, h, w)``."""
        return self.body(torch.cat([neighbour, centre], dim=1))


class Inet(nn.Module):
    """Interaction subnet: fuses LR and HR offset features, refines each (Sec. 3.3).

    A 1x1 conv captures the complementary information of the concatenated pair; each branch then
    gets its own refined offsets from a 1x1 conv (the modulation of s^L and s^H).
    """

    def __init__(self, channels: int):
        super().__init__()
        self.fuse = nn.Conv2d(2 * channels, channels, 1)
        self.refine_lr = nn.Conv2d(channels, channels, 1)
        self.refine_hr = nn.Conv2d(channels, channels, 1)

    def forward(self, offset_lr: torch.Tensor, offset_hr: torch.Tensor):
        """``s^L, s^H`` ``(B, C, h, w)`` -> refined ``(ŝ^L, ŝ^H)``."""
        fused = self.fuse(torch.cat([offset_lr, offset_hr], dim=1))
        return self.refine_lr(fused), self.refine_hr(fused)


class STLR(nn.Module):
    """ST-LR: align the neighbours of every LR and HR feature with deformable convs (Sec. 3.3).

    For each frame t the window is [t-1, t, t+1] with replicated ends. Offset features s^L are
    predicted from LR features and s^H from HR features (at HR, brought down to LR size by a
    strided conv); Inet lets them interact; modulated deformable convolutions (DCNv2, mmcv,
    ``deform_groups`` groups, offsets and sigmoid mask from a 3x3 conv on the offset features)
    align the neighbours, one DCN per direction shared by the two branches (HR features are aligned
    at LR size: strided conv down, DCN, deconv up). A 1x1 conv stack fuses the centre with its two
    aligned neighbours, added as a residual.

    Args:
        mid_channels (int): Feature channels C. Default: 64.
        scale (int): Spatial scale between HR and LR features. Default: 4.
        deform_groups (int): Deformable groups. Default: 8.
        use_inet (bool): False feeds the offsets straight to the DCNs ("ST-LR w/o Inet").
        offsets (str): ``'both'``; ``'lr'`` uses only s^L for both branches ("w/o s^H");
            ``'hr'`` only s^H ("w/o s^L"). Default: 'both'.
        use_lr (bool): Refine LR features. Default: True.
        use_hr (bool): Refine HR features. Default: True.
    """

    def __init__(self,
                 mid_channels: int = 64,
                 scale: int = 4,
                 deform_groups: int = 8,
                 use_inet: bool = True,
                 offsets: str = 'both',
                 use_lr: bool = True,
                 use_hr: bool = True):
        super().__init__()
        if offsets not in ('both', 'lr', 'hr'):
            raise ValueError(f"offsets must be 'both', 'lr' or 'hr', got {offsets!r}")
        if not (use_lr or use_hr):
            raise ValueError('ST-LR needs at least one of the LR and HR branches')
        if offsets == 'lr' and not use_lr or offsets == 'hr' and not use_hr:
            raise ValueError(f'offsets={offsets!r} needs the {offsets.upper()} branch')
        c = mid_channels
        kernel, stride, pad = projection_kernel(scale)
        self.use_lr, self.use_hr = use_lr, use_hr
        self.offsets = offsets if use_lr and use_hr else ('lr' if use_lr else 'hr')
        self.offset_prev = OffsetPredictor(c)
        self.offset_next = OffsetPredictor(c)
        if self.offsets != 'lr':
            self.offset_down = ConvBlock(c, c, kernel, stride, pad, act_type='lrelu')
        self.inet = Inet(c) if use_inet and self.offsets == 'both' else None
        self.align_prev = ModulatedDCNPack(c, c, 3, padding=1, deform_groups=deform_groups)
        self.align_next = ModulatedDCNPack(c, c, 3, padding=1, deform_groups=deform_groups)
        if use_hr:
            self.hr_down = ConvBlock(c, c, kernel, stride, pad, act_type='lrelu')
            self.hr_up = DeconvBlock(c, c, kernel, stride, pad, act_type='lrelu')
        self.lrelu = nn.LeakyReLU(0.1)
        self.fusion = nn.Sequential(
            nn.Conv2d(3 * c, 3 * c, 1), nn.LeakyReLU(0.1), nn.Conv2d(3 * c, 3 * c, 1),
            nn.LeakyReLU(0.1), nn.Conv2d(3 * c, 3 * c, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(3 * c, c, 1))

    def _offsets(self, predictor, lr_feats, hr_feats, i, j):
        """Offset features of neighbour j towards frame i for the LR and HR branches."""
        s_lr = predictor(lr_feats[:, j], lr_feats[:, i]) if self.offsets != 'hr' else None
        s_hr = self.offset_down(predictor(hr_feats[:, j], hr_feats[:, i])) \
            if self.offsets != 'lr' else None
        if self.offsets == 'lr':
            return s_lr, s_lr
        if self.offsets == 'hr':
            return s_hr, s_hr
        if self.inet is not None:
            return self.inet(s_lr, s_hr)
        return s_lr, s_hr

    def forward(self, lr_feats: Optional[torch.Tensor], hr_feats: Optional[torch.Tensor]):
        """Refine feature sequences.

        Args:
            lr_feats (Tensor | None): ``(B, T, C, h, w)``.
            hr_feats (Tensor | None): ``(B, T, C, H, W)``.

        Returns:
            tuple[Tensor | None, Tensor | None]: Refined sequences, same shapes.
        """
        num_frames = (lr_feats if lr_feats is not None else hr_feats).size(1)
        if self.use_hr:  # each HR frame is aligned at LR size: bring every frame down once
            b, t = hr_feats.shape[:2]
            hr_low = self.hr_down(hr_feats.flatten(0, 1))
            hr_low = hr_low.view(b, t, *hr_low.shape[1:])
        lr_out, hr_out = [], []
        for i in range(num_frames):
            prev, nxt = max(i - 1, 0), min(i + 1, num_frames - 1)
            lr_prev, hr_prev = self._offsets(self.offset_prev, lr_feats, hr_feats, i, prev)
            lr_next, hr_next = self._offsets(self.offset_next, lr_feats, hr_feats, i, nxt)
            if self.use_lr:
                aligned_prev = self.lrelu(self.align_prev(lr_feats[:, prev], lr_prev))
                aligned_next = self.lrelu(self.align_next(lr_feats[:, nxt], lr_next))
                lr_out.append(lr_feats[:, i] + self.fusion(
                    torch.cat([aligned_prev, lr_feats[:, i], aligned_next], dim=1)))
            if self.use_hr:
                aligned_prev = self.hr_up(self.lrelu(self.align_prev(hr_low[:, prev], hr_prev)))
                aligned_next = self.hr_up(self.lrelu(self.align_next(hr_low[:, nxt], hr_next)))
                hr_out.append(hr_feats[:, i] + self.fusion(
                    torch.cat([aligned_prev, hr_feats[:, i], aligned_next], dim=1)))
        return (torch.stack(lr_out, 1) if lr_out else None,
                torch.stack(hr_out, 1) if hr_out else None)
