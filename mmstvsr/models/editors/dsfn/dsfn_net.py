"""Space-time upsampling by cascading M_S and M_T (Sec. 3.1), and the Dual-Stream Fusion Network
that fuses both cascade orders (Sec. 3.2-3.3)."""
from typing import Dict, Optional, Sequence

import torch
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.utils.freeze import freeze as freeze_module
from mmstvsr.utils.temporal import interleave

STREAMS = ('st', 'ts')


@MODELS.register_module()
class SpaceTimeCascadeNet(BaseModule):
    """One cascade of a spatial and a temporal upsampling network over a clip.

    Every input frame is super-resolved by M_S, ``H_i = M_S(L_i)`` (Eq. 1). Between neighbouring
    inputs, the frame at ``i + t`` comes from

    - ``order='st'``, M_S->T (Eq. 3-5): ``H_S->T = M_T(M_S(L_i), M_S(L_i+1))``;
    - ``order='ts'``, M_T->S (Eq. 6-8): ``H_T->S = M_S(L^_t)`` with ``L^_t = M_T(L_i, L_i+1)``.

    With no fusion this is the "VFI + SR" (``'ts'``) or "SR + VFI" (``'st'``) baseline of STVSR
    papers, built from any SR and interpolation networks of the registry.

    Args:
        spatial (dict): M_S, a :class:`SpatialUpsampler` config.
        temporal (dict): M_T, a :class:`TemporalUpsampler` config.
        order (str): ``'st'`` or ``'ts'``. Default: 'ts'.
        frozen (Sequence[str]): Sub-networks kept fixed (no gradient, eval mode), among
            ``'spatial'``, ``'temporal'`` and, in subclasses, ``'fusion'``, ``'refinement'``.
            Default: ().
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    size_divisor = 1

    def __init__(self,
                 spatial: dict,
                 temporal: dict,
                 order: str = 'ts',
                 frozen: Sequence[str] = (),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        if order not in STREAMS:
            raise ValueError(f"order must be 'st' (SR then VFI) or 'ts' (VFI then SR), "
                             f'got {order!r}')
        self.spatial = MODELS.build(spatial)
        self.temporal = MODELS.build(temporal)
        self.scale = self.spatial.scale
        self.streams = (order, )
        self.freeze(frozen)

    def freeze(self, names: Sequence[str]) -> None:
        """Fix the named sub-networks (:func:`~mmstvsr.utils.freeze.freeze`: no gradient, eval
        mode)."""
        self.frozen = tuple(names)
        for name in self.frozen:
            if not isinstance(getattr(self, name, None), torch.nn.Module):
                raise ValueError(f'frozen names sub-networks of {type(self).__name__}, got '
                                 f'{name!r}')
            freeze_module(getattr(self, name))

    def upsample(self, lrs: torch.Tensor, times: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Run M_S on every input and the configured streams between neighbours.

        Args:
            lrs (Tensor): LR frames ``(B, T, 3, h, w)`` in [0, 1].
            times (Tensor): Intermediate positions ``(K,)`` in (0, 1).

        Returns:
            dict: ``hr_keys`` ``(B, T, 3, H, W)``, and for each intermediate frame (gap-major,
            ``(B, (T - 1) * K, ...)``) ``hr_st`` and / or ``lr_mid`` (``L^_t``, at LR) and
            ``hr_ts``.
        """
        b, t, c, h, w = lrs.shape
        hr_keys = self.spatial(lrs.flatten(0, 1)).view(b, t, c, h * self.scale, w * self.scale)
        pairs = {'lr': torch.stack([lrs[:, :-1], lrs[:, 1:]], dim=2).flatten(0, 1)}
        if 'st' in self.streams:
            pairs['hr'] = torch.stack([hr_keys[:, :-1], hr_keys[:, 1:]], dim=2).flatten(0, 1)
        per_time = []
        for tau in times.tolist():
            out = {}
            if 'ts' in self.streams:
                out['lr_mid'] = self.temporal(pairs['lr'], tau)
                out['hr_ts'] = self.spatial(out['lr_mid'])
            if 'st' in self.streams:
                out['hr_st'] = self.temporal(pairs['hr'], tau)
            per_time.append(out)
        results = dict(hr_keys=hr_keys)
        for key in per_time[0]:
            stacked = torch.stack([out[key] for out in per_time], dim=1)  # (B*(T-1), K, ...)
            results[key] = stacked.view(b, -1, *stacked.shape[2:])
        return results

    def forward(self, lrs: torch.Tensor, times: torch.Tensor, return_aux: bool = False):
        """Space-time upsampling.

        Args:
            lrs (Tensor): LR frames ``(B, T, 3, h, w)`` in [0, 1].
            times (Tensor): Intermediate positions ``(K,)``.
            return_aux (bool): Return every intermediate output (see :meth:`upsample`) with the
                frames under ``frames``. Default: False.

        Returns:
            Tensor | dict: HR frames ``(B, T + (T - 1) K, 3, H, W)``, or the dict.
        """
        out = self.upsample(lrs, times)
        taus = times.tolist()
        mids = self.final_mids(out)  # gap-major: gap i, time k at i * K + k
        frames = interleave(lrs.size(1), taus, lambda i: out['hr_keys'][:, i],
                            lambda i, tau: mids[:, i * len(taus) + taus.index(tau)])
        out['frames'] = torch.stack(frames, dim=1)
        return out if return_aux else out['frames']

    def final_mids(self, out: Dict[str, torch.Tensor]) -> torch.Tensor:
        """The intermediate frames of the output, ``(B, (T - 1) K, 3, H, W)``."""
        return out['hr_' + self.streams[0]]


@MODELS.register_module()
class DualStreamFusionNet(SpaceTimeCascadeNet):
    """Dual-Stream Fusion Network (Sec. 3): both cascades, fused (Eq. 9) and refined (Eq. 10).

    Adds to :meth:`SpaceTimeCascadeNet.upsample`'s outputs ``hr_fused`` (``H_F``), ``mask_st``,
    ``mask_ts`` and, with refinement, ``hr_refined`` (``H_R``), the output at intermediate times.

    Args:
        spatial (dict): M_S, a :class:`SpatialUpsampler` config.
        temporal (dict): M_T, a :class:`TemporalUpsampler` config.
        fusion (dict): :class:`FusionModule` arguments. Default: two masks.
        refinement (dict, optional): :class:`RefinementModule` arguments; None leaves R out
            (the output is ``H_F``). Default: ``dict()``.
        frozen (Sequence[str]): Sub-networks kept fixed, e.g. ``('spatial', 'temporal')`` in
            training stage 2. Default: ().
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 spatial: dict,
                 temporal: dict,
                 fusion: dict = dict(two_mask=True),
                 refinement: Optional[dict] = dict(),
                 frozen: Sequence[str] = (),
                 init_cfg: Optional[dict] = None):
        super().__init__(spatial, temporal, init_cfg=init_cfg)
        self.streams = STREAMS
        self.fusion = MODELS.build(dict(type='FusionModule', **fusion))
        self.refinement = None if refinement is None else MODELS.build(
            dict(type='RefinementModule', **refinement))
        self.freeze(frozen)

    def upsample(self, lrs: torch.Tensor, times: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Both streams, then F and R. See :class:`SpaceTimeCascadeNet`."""
        out = super().upsample(lrs, times)
        b, n = out['hr_st'].shape[:2]
        fused = self.fusion(out['hr_st'].flatten(0, 1), out['hr_ts'].flatten(0, 1))
        if self.refinement is not None:
            fused['hr_refined'] = self.refinement(fused['hr_fused'])
        out.update({k: v.view(b, n, *v.shape[1:]) for k, v in fused.items()})
        return out

    def final_mids(self, out: Dict[str, torch.Tensor]) -> torch.Tensor:
        """``H_R``, or ``H_F`` without refinement."""
        return out['hr_refined'] if self.refinement is not None else out['hr_fused']
