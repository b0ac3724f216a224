"""Super SloMo (Jiang et al., CVPR 2018), the DSFN authors' frame interpolation network M_T."""
import torch
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.models.archs import SuperSloMoUNet, backward_warp
from mmstvsr.utils.flow import intermediate_flows

#: ``warp`` of :class:`SuperSloMoNet` -> arguments of :func:`~mmstvsr.models.archs.backward_warp`
WARPS = {
    'exact': dict(grid='exact', padding_mode='border'),
    'authors': dict(grid='authors', padding_mode='zeros'),
}


@MODELS.register_module()
class SuperSloMoNet(BaseModule):
    """Super SloMo: bidirectional flows, intermediate flows at ``t``, refinement and visibility.

    A flow U-Net estimates ``F_01`` and ``F_10`` from the two frames; the flows from time ``t``
    follow from the linear-motion approximation (Eq. 4,
    :func:`~mmstvsr.utils.flow.intermediate_flows`); an interpolation U-Net, given the frames,
    the four flows and the two warped frames, predicts flow residuals and the visibility map
    ``V_t0`` (``V_t1 = 1 - V_t0``), and the frame is (Eq. 1)
    ``((1 - t) V_t0 g(I_0, F_t0) + t V_t1 g(I_1, F_t1)) / ((1 - t) V_t0 + t V_t1)``.
    Both U-Nets are :class:`~mmstvsr.models.archs.SuperSloMoUNet` (6 -> 4 and 20 -> 5 channels).

    The backward warp ``g`` (:func:`~mmstvsr.models.archs.backward_warp`) samples at exactly
    ``x + F(x)`` with border padding (``warp='exact'``, the paper's ``g``), or as the public Super
    SloMo code that the DSFN authors use (``warp='authors'``: the grid normalised by ``W``
    instead of ``W - 1`` under PyTorch 1.1's ``grid_sample``, zero padding; a zero flow then
    does not give the frame back).

    Each U-Net pads its input to a multiple of ``2**num_levels`` at the bottom right; the DSFN
    authors instead pad the two frames once, centred, before the whole network, so that the
    flows and warps span the padded frames (:class:`TemporalUpsampler` with
    ``size_divisor=32, centre_pad=True``).

    Args:
        base_channels (int): Stem channels of both U-Nets. Default: 32.
        num_levels (int): Levels of both U-Nets. Default: 5.
        warp (str): ``'exact'`` or ``'authors'``. Default: 'exact'.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 base_channels: int = 32,
                 num_levels: int = 5,
                 warp: str = 'exact',
                 init_cfg=None):
        super().__init__(init_cfg)
        if warp not in WARPS:
            raise ValueError(f'warp must be one of {tuple(WARPS)}, got {warp!r}')
        self.warp = warp
        self.flow_net = SuperSloMoUNet(6, 4, base_channels, num_levels)
        self.interp_net = SuperSloMoUNet(20, 5, base_channels, num_levels)

    def _backward_warp(self, img: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
        """``img`` ``(N, C, H, W)`` sampled at ``x + flow`` (flow ``(N, 2, H, W)`` in pixels)."""
        return backward_warp(img, flow, **WARPS[self.warp])

    def forward(self, imgs: torch.Tensor, t: float = 0.5) -> torch.Tensor:
        """Interpolate the frame at time ``t``.

        Args:
            imgs (Tensor): The two frames ``(N, 2, C, H, W)`` (C = 3).
            t (float): Time in (0, 1) between them. Default: 0.5.

        Returns:
            Tensor: ``(N, C, H, W)``.
        """
        img0, img1 = imgs[:, 0], imgs[:, 1]
        flows = self.flow_net(torch.cat([img0, img1], dim=1))
        flow_01, flow_10 = flows[:, :2], flows[:, 2:]
        flow_t0, flow_t1 = intermediate_flows(flow_01, flow_10, t)
        warped0 = self._backward_warp(img0, flow_t0)
        warped1 = self._backward_warp(img1, flow_t1)
        out = self.interp_net(
            torch.cat([img0, img1, flow_01, flow_10, flow_t0, flow_t1, warped0, warped1], dim=1))
        flow_t0 = flow_t0 + out[:, :2]
        flow_t1 = flow_t1 + out[:, 2:4]
        vis0 = torch.sigmoid(out[:, 4:5])
        vis1 = 1 - vis0
        w0, w1 = (1 - t) * vis0, t * vis1
        return (w0 * self._backward_warp(img0, flow_t0) +
                w1 * self._backward_warp(img1, flow_t1)) / (w0 + w1)
