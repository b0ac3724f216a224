"""STINet phase 2: spatial-temporal local refinement (ST-LR, Sec. 3.3)."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmagic.registry import MODELS

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


class BaseSTLR(nn.Module):
    """ST-LR: align the neighbours of every LR and HR feature with deformable convs (Sec. 3.3).

    For each frame t the window is [t-1, t, t+1] with replicated ends. Offset features are
    predicted from the features of a neighbour and of the centre: s^L from LR features and s^H
    from HR features (at HR, brought down to LR size by a strided conv, ``offset_down``). The
    variants differ in which of the two they predict and how each branch gets its own
    (:meth:`offset_features`): :class:`STLR` (the paper's, both made to interact by Inet),
    :class:`STLRWithoutInet`, :class:`LROffsetsSTLR` and :class:`HROffsetsSTLR` (Table 4).
    Modulated deformable convolutions (DCNv2, mmcv, ``deform_groups`` groups, offsets and sigmoid
    mask from a 3x3 conv on the offset features) align the neighbours, one DCN per direction
    shared by the two branches (HR features are aligned at LR size: strided conv down, DCN,
    deconv up). A 1x1 conv stack fuses the centre with its two aligned neighbours, added as a
    residual.

    Args:
        mid_channels (int): Feature channels C. Default: 64.
        scale (int): Spatial scale between HR and LR features. Default: 4.
        deform_groups (int): Deformable groups. Default: 8.
        use_lr (bool): Refine LR features (False in "STINet w/o LR"). Default: True.
        use_hr (bool): Refine HR features (False in "STINet w/o HR"). Default: True.
    """

    def __init__(self,
                 mid_channels: int = 64,
                 scale: int = 4,
                 deform_groups: int = 8,
                 use_lr: bool = True,
                 use_hr: bool = True):
        super().__init__()
        if not (use_lr or use_hr):
            raise ValueError('ST-LR needs at least one of the LR and HR branches: set use_lr or '
                             'use_hr to True')
        self._check_branches(use_lr, use_hr)
        channels = mid_channels
        kernel = projection_kernel(scale)
        self.use_lr, self.use_hr = use_lr, use_hr
        self.offset_prev = OffsetPredictor(channels)
        self.offset_next = OffsetPredictor(channels)
        self.offset_down = self._build_offset_down(channels, kernel)
        self.inet = self._build_inet(channels)
        self.align_prev = ModulatedDCNPack(
            channels, channels, 3, padding=1, deform_groups=deform_groups)
        self.align_next = ModulatedDCNPack(
            channels, channels, 3, padding=1, deform_groups=deform_groups)
        self.hr_down = ConvBlock(channels, channels, *kernel, act_type='lrelu') if use_hr else None
        self.hr_up = DeconvBlock(channels, channels, *kernel, act_type='lrelu') if use_hr else None
        self.lrelu = nn.LeakyReLU(0.1)
        self.fusion = nn.Sequential(
            nn.Conv2d(3 * channels, 3 * channels, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(3 * channels, 3 * channels, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(3 * channels, 3 * channels, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(3 * channels, channels, 1))

    def _check_branches(self, use_lr: bool, use_hr: bool) -> None:
        """Raise a ValueError when the variant needs a branch that is left out."""

    def _build_offset_down(self, channels: int,
                           kernel: Tuple[int, int, int]) -> Optional[nn.Module]:
        """The strided conv that brings HR offset features to LR size; None without s^H."""
        return ConvBlock(channels, channels, *kernel, act_type='lrelu')

    def _build_inet(self, channels: int) -> Optional[nn.Module]:
        """The interaction subnet of s^L and s^H; None in the variants without it."""
        return None

    def lr_offsets(self, predictor: OffsetPredictor, lr_feats: torch.Tensor, centre: int,
                   neighbour: int) -> torch.Tensor:
        """s^L: offset features of LR frame ``neighbour`` towards ``centre``, ``(B, C, h, w)``."""
        return predictor(lr_feats[:, neighbour], lr_feats[:, centre])

    def hr_offsets(self, predictor: OffsetPredictor, hr_feats: torch.Tensor, centre: int,
                   neighbour: int) -> torch.Tensor:
        """s^H: offset features of HR frame ``neighbour`` towards ``centre``, brought down to LR
        size, ``(B, C, h, w)``."""
        return self.offset_down(predictor(hr_feats[:, neighbour], hr_feats[:, centre]))

    def offset_features(self, predictor: OffsetPredictor, lr_feats: Optional[torch.Tensor],
                        hr_feats: Optional[torch.Tensor], centre: int,
                        neighbour: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """The offset features that align ``neighbour`` to ``centre`` in the LR and HR branches.

        Args:
            predictor (OffsetPredictor): ``offset_prev`` or ``offset_next``.
            lr_feats (Tensor | None): LR features ``(B, T, C, h, w)``.
            hr_feats (Tensor | None): HR features ``(B, T, C, H, W)``.
            centre (int): Index of the frame to refine.
            neighbour (int): Index of its neighbour.

        Returns:
            tuple[Tensor, Tensor]: Offset features of the LR and of the HR branch, both
            ``(B, C, h, w)``.
        """
        raise NotImplementedError

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
            hr_small = self.hr_down(hr_feats.flatten(0, 1))
            hr_small = hr_small.view(b, t, *hr_small.shape[1:])
        lr_out, hr_out = [], []
        for i in range(num_frames):
            prev, nxt = max(i - 1, 0), min(i + 1, num_frames - 1)
            lr_prev, hr_prev = self.offset_features(self.offset_prev, lr_feats, hr_feats, i, prev)
            lr_next, hr_next = self.offset_features(self.offset_next, lr_feats, hr_feats, i, nxt)
            if self.use_lr:
                aligned_prev = self.lrelu(self.align_prev(lr_feats[:, prev], lr_prev))
                aligned_next = self.lrelu(self.align_next(lr_feats[:, nxt], lr_next))
                lr_out.append(self._fuse(aligned_prev, lr_feats[:, i], aligned_next))
            if self.use_hr:
                aligned_prev = self.hr_up(self.lrelu(self.align_prev(hr_small[:, prev], hr_prev)))
                aligned_next = self.hr_up(self.lrelu(self.align_next(hr_small[:, nxt], hr_next)))
                hr_out.append(self._fuse(aligned_prev, hr_feats[:, i], aligned_next))
        return (torch.stack(lr_out, 1) if lr_out else None,
                torch.stack(hr_out, 1) if hr_out else None)

    def _fuse(self, aligned_prev: torch.Tensor, centre: torch.Tensor,
              aligned_next: torch.Tensor) -> torch.Tensor:
        """The centre plus the 1x1 conv stack on it and its aligned neighbours."""
        return centre + self.fusion(torch.cat([aligned_prev, centre, aligned_next], dim=1))


@MODELS.register_module()
class STLR(BaseSTLR):
    """ST-LR as in the paper (Sec. 3.3): s^L and s^H made to interact by Inet.

    Needs both branches; a network with one of them takes :class:`LROffsetsSTLR` or
    :class:`HROffsetsSTLR`. Args as :class:`BaseSTLR`.
    """

    def _check_branches(self, use_lr: bool, use_hr: bool) -> None:
        _check_both_branches(type(self).__name__, use_lr, use_hr)

    def _build_inet(self, channels: int) -> nn.Module:
        return Inet(channels)

    def offset_features(self, predictor, lr_feats, hr_feats, centre, neighbour):
        """Inet's refined ``(ŝ^L, ŝ^H)`` from ``(s^L, s^H)``."""
        return self.inet(self.lr_offsets(predictor, lr_feats, centre, neighbour),
                         self.hr_offsets(predictor, hr_feats, centre, neighbour))


@MODELS.register_module()
class STLRWithoutInet(BaseSTLR):
    """Table 4 "ST-LR w/o Inet": s^L and s^H go straight to their branches' DCNs.

    Needs both branches. Args as :class:`BaseSTLR`.
    """

    def _check_branches(self, use_lr: bool, use_hr: bool) -> None:
        _check_both_branches(type(self).__name__, use_lr, use_hr)

    def offset_features(self, predictor, lr_feats, hr_feats, centre, neighbour):
        """``(s^L, s^H)``."""
        return (self.lr_offsets(predictor, lr_feats, centre, neighbour),
                self.hr_offsets(predictor, hr_feats, centre, neighbour))


@MODELS.register_module()
class LROffsetsSTLR(BaseSTLR):
    """Table 4 "ST-LR w/o s^H": the LR offsets s^L serve both branches.

    The ST-LR of "STINet w/o HR" (``use_hr=False``). Args as :class:`BaseSTLR`.
    """

    def _check_branches(self, use_lr: bool, use_hr: bool) -> None:
        _check_offset_branch('LR', use_lr)

    def _build_offset_down(self, channels: int, kernel: Tuple[int, int, int]) -> None:
        return None

    def offset_features(self, predictor, lr_feats, hr_feats, centre, neighbour):
        """``(s^L, s^L)``."""
        lr_offsets = self.lr_offsets(predictor, lr_feats, centre, neighbour)
        return lr_offsets, lr_offsets


@MODELS.register_module()
class HROffsetsSTLR(BaseSTLR):
    """Table 4 "ST-LR w/o s^L": the HR offsets s^H serve both branches.

    The ST-LR of "STINet w/o LR" (``use_lr=False``). Args as :class:`BaseSTLR`.
    """

    def _check_branches(self, use_lr: bool, use_hr: bool) -> None:
        _check_offset_branch('HR', use_hr)

    def offset_features(self, predictor, lr_feats, hr_feats, centre, neighbour):
        """``(s^H, s^H)``."""
        hr_offsets = self.hr_offsets(predictor, hr_feats, centre, neighbour)
        return hr_offsets, hr_offsets


def _check_both_branches(name: str, use_lr: bool, use_hr: bool) -> None:
    """Raise a ValueError naming the single-level variant when a branch is left out."""
    if not (use_lr and use_hr):
        single = 'LROffsetsSTLR' if use_lr else 'HROffsetsSTLR'
        raise ValueError(f'{name} combines LR and HR offsets, but the '
                         f"{'HR' if use_lr else 'LR'} branch is left out: use "
                         f"stlr=dict(type='{single}')")


def _check_offset_branch(level: str, present: bool) -> None:
    """Raise a ValueError naming the other single-level variant when the branch ``level`` ('LR'
    or 'HR'), whose features give the offsets, is left out."""
    if not present:
        other = 'HR' if level == 'LR' else 'LR'
        raise ValueError(f'{level}OffsetsSTLR predicts offsets from {level} features, which are '
                         f"left out (use_{level.lower()}=False): use "
                         f"stlr=dict(type='{other}OffsetsSTLR')")
