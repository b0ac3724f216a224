"""Space-time SR references: spatial upsampling of each frame plus frame interpolation.

With MATLAB bicubic upsampling (the default) they are the non-learned references every learned
model of the toolbox must beat; with a learned spatial SR network as ``upsampler`` they are the
"spatial SR, then frame interpolation" cascade.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.models.archs.bicubic_resize import MATLABBicubicResize
from mmstvsr.models.archs.warp import backward_warp
from mmstvsr.utils.flow import batch_neighbour_flows, intermediate_flows
from mmstvsr.utils.temporal import interleave


class ClassicalSTVSRNet(BaseModule):
    """x``scale`` upsampling of every input frame, then interpolation at each t'.

    Subclasses implement :meth:`interpolate`. Inputs are RGB in [0, 1]. :meth:`init_weights`
    (MMEngine's) lets a learned ``upsampler`` read its weight file
    (``init_cfg=dict(type='Pretrained', checkpoint=...)``).

    Args:
        scale (int): Spatial upsampling factor. Default: 4.
        upsampler (dict, optional): A single-image SR network mapping ``(N, 3, h, w)`` to
            ``(N, 3, s*h, s*w)`` (e.g. a pretrained, frozen ``DenseDBPN`` with
            ``return_rgb=True``), used instead of MATLAB bicubic. Default: None (bicubic).
    """

    size_divisor = 1

    def __init__(self, scale: int = 4, upsampler: Optional[dict] = None):
        super().__init__()
        self.scale = scale
        self.upsample = MATLABBicubicResize(scale) if upsampler is None else MODELS.build(
            upsampler)

    def forward(self, lrs: torch.Tensor, times: torch.Tensor, **kwargs) -> torch.Tensor:
        """Upsample and interpolate.

        Args:
            lrs (Tensor): LR frames ``(B, T, 3, h, w)`` in [0, 1].
            times (Tensor): Intermediate positions ``(K,)`` in (0, 1).

        Returns:
            Tensor: ``(B, T + (T - 1) * K, 3, s*h, s*w)``: I_0, I_t'1.., I_1, ...
        """
        b, t, c, h, w = lrs.shape
        hrs = self.upsample(lrs.flatten(0, 1)).view(b, t, c, h * self.scale, w * self.scale)
        context = self.prepare(lrs, **kwargs)
        frames = interleave(t, times.tolist(), lambda i: hrs[:, i],
                            lambda i, tau: self.interpolate(hrs, i, tau, context))
        return torch.stack(frames, dim=1)

    def prepare(self, lrs: torch.Tensor, **kwargs) -> Optional[dict]:
        """Per-sequence data needed by :meth:`interpolate` (none by default)."""
        return None

    def interpolate(self, hrs: torch.Tensor, i: int, tau: float,
                    context: Optional[dict]) -> torch.Tensor:
        """The HR frame at time ``i + tau`` ``(B, 3, H, W)`` from upsampled frames ``hrs``."""
        raise NotImplementedError


@MODELS.register_module()
class BicubicAverageNet(ClassicalSTVSRNet):
    """Bicubic upsampling + blending ``(1 - t') I_i + t' I_{i+1}`` (frame averaging at 0.5)."""

    def interpolate(self, hrs, i, tau, context):
        return (1 - tau) * hrs[:, i] + tau * hrs[:, i + 1]


@MODELS.register_module()
class BicubicFlowNet(ClassicalSTVSRNet):
    """Bicubic (or ``upsampler``) upsampling + flow-based frame interpolation at t'.

    Flows between neighbouring LR inputs come from the data pipeline (``flow_fwd`` /
    ``flow_bwd`` of :class:`~mmstvsr.datasets.transforms.FarnebackFlow`) or, when not given, are
    computed here with the same OpenCV Farneback estimator. They are upsampled to HR and turned
    into flows from time t' with the linear-motion approximation of Super SloMo
    (:func:`~mmstvsr.utils.flow.intermediate_flows`); the two warped
    neighbours are blended with weights ``1 - t`` and ``t``.
    """

    def prepare(self, lrs, flow_fwd=None, flow_bwd=None):
        """Flows ``(B, T-1, 2, H, W)`` at HR resolution, in HR pixels."""
        if flow_fwd is None or flow_bwd is None:
            flow_fwd, flow_bwd = batch_neighbour_flows(lrs)
        b, n = flow_fwd.shape[:2]

        def to_hr(flow):
            up = F.interpolate(flow.flatten(0, 1).float(), scale_factor=self.scale,
                               mode='bilinear', align_corners=False) * self.scale
            return up.view(b, n, *up.shape[1:])

        return dict(fwd=to_hr(flow_fwd), bwd=to_hr(flow_bwd))

    def interpolate(self, hrs, i, tau, context):
        f_t0, f_t1 = intermediate_flows(context['fwd'][:, i], context['bwd'][:, i], tau)
        warped0 = backward_warp(hrs[:, i], f_t0, padding_mode='border')
        warped1 = backward_warp(hrs[:, i + 1], f_t1, padding_mode='border')
        return (1 - tau) * warped0 + tau * warped1
