"""STARnet (Haris et al., "Space-Time-Aware Multi-Resolution Video Enhancement", CVPR 2020)."""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.models.archs import (RBPN, ConvBlock, ResidualStack, UNet, projection_kernel,
                                  scale_residual_branches)
from mmstvsr.utils.flow import batch_neighbour_flows, normalize_flow
from .pyramid_module import PyramidModule

# version -> (HR T-SR path, LR T-SR path); V1 also has its own NetD for each input (Table 6)
VERSIONS = {'V1': (False, False), 'V2': (True, False), 'V3': (False, True), 'V4': (True, True)}


class FlowRefinement(nn.Module):
    """FR (Eq. 14): ``F^ = F + Net_flow(cat(F, I_a, I_b))``, Net_flow a U-Net.

    Args:
        base_channels (int): Channels of the U-Net's first level. Default: 64.
        num_levels (int): Downsamplings of the U-Net. Default: 5.
        out_act (str | None): Output activation of the U-Net; the authors' is a sigmoid (so the
            correction is in (0, 1)). Default: 'sigmoid'.
    """

    def __init__(self, base_channels: int = 64, num_levels: int = 5,
                 out_act: Optional[str] = 'sigmoid'):
        super().__init__()
        self.unet = UNet(8, 2, base_channels, num_levels, out_act=out_act)

    def forward(self, flow: torch.Tensor, img_a: torch.Tensor, img_b: torch.Tensor):
        """Refine the flow ``(B, 2, h, w)`` from ``img_a`` to ``img_b`` (both ``(B, 3, h, w)``)."""
        return flow + self.unet(torch.cat([flow, img_a, img_b], dim=1))


class TSRHR(nn.Module):
    """The HR T-SR path: 1x1 conv on ``cat(H_t, H_t+1, up(M))``, :class:`PyramidModule`, 3x3 conv.

    Args:
        in_channels (int): Channels of the concatenation.
        channels (int): HR feature channels.
    """

    def __init__(self, in_channels: int, channels: int):
        super().__init__()
        self.layers = nn.Sequential(
            ConvBlock(in_channels, channels, 1, 1, 0, act_type='lrelu'),
            PyramidModule(channels, 'lrelu'), ConvBlock(channels, channels, act_type='lrelu'))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> ``(B, channels, H, W)``."""
        return self.layers(x)


@MODELS.register_module()
class STARnetNet(BaseModule):
    """STARnet backbone: LR frames ``(B, T, 3, h, w)`` -> HR frames ``(B, 2T-1, 3, s*h, s*w)``.

    Every pair of neighbouring inputs ``(I_t, I_t+1)`` with its flows goes through the three
    stages of the paper (Sec. 3.1):

    - Stage 1 (Eq. 1-4): NetS (RBPN, :class:`~mmstvsr.models.archs.RBPN`) super-resolves each
      input with the other and the flow to it, giving ``H_t``, ``H_t+1``; NetD brings them to LR
      features ``L_t``, ``L_t+1``; NetM turns ``cat(F_t->t+1, F_t+1->t)`` into the motion
      feature ``M``; NetST makes ``H_t+n`` from ``cat(L_t, L_t+1, M)`` and ``L_t+n = NetD(H_t+n)``.
      V2/V4 add the HR T-SR path and V3/V4 the LR T-SR path, each as a back-projection update
      ``X <- X + LReLU(X - T-SR(...))``.
    - Stage 2 (Eq. 5-11): NetB and NetF (same layout as NetST) on ``M_half`` (NetM on half the
      flows) update ``H_t``, ``H_t+1``, ``H_t+n`` and their LR features by back-projection, in
      the authors' order (t from the backward pass, t+1 from the forward pass, then t+n from
      both).
    - Stage 3: one 3x3 conv per resolution gives the images.

    Flows come in pixels (the pipeline's :class:`~mmstvsr.datasets.transforms.FarnebackFlow`,
    computed here with the same estimator when not given), are clipped to ``+-max_flow`` and
    mapped to [-1, 1] (:func:`~mmstvsr.utils.flow.normalize_flow`), then refined by the FR
    module (Eq. 14) when it is built.

    Over T > 2 inputs each pair is processed alike (batched); an inner input frame, produced by
    the pairs on both sides, is the mean of the two.

    Args:
        hr_channels (int): HR feature channels c_h. Default: 64.
        lr_channels (int): LR feature channels c_l. Default: 128.
        base_channels (int): LR feature channels of RBPN and of NetM's body. Default: 256.
        num_stages (int): Up-projections of RBPN's DBPN-S. Default: 3.
        num_blocks (int): Residual blocks of NetST, NetF, NetB and of RBPN's stacks. Default: 5.
        scale (int): Spatial scale. Default: 4.
        version (str): 'V1' (ST-SR only), 'V2' (+ HR T-SR), 'V3' (+ LR T-SR) or 'V4' (both).
            Default: 'V4'.
        s_sr (str): NetS: 'rbpn' (two frames and a flow) or 'dbpn' (DBPN-S on one frame,
            "STAR with DBPN"). Default: 'rbpn'.
        use_flow (bool): Use the flows and NetM (False: "STAR w/o Flow"). Default: True.
        use_stage2 (bool): Build the refinement stage (False: "STAR w/o Stage 2"). Default: True.
        flow_refinement (dict | None): :class:`FlowRefinement` arguments; None: "w/o FR".
            Default: ``dict()``.
        max_flow (float): Flow clipping bound in pixels. Default: 150.
        output (str): What ``frames`` holds: 'hr' (the ST-SR output) or 'lr' (the T-SR output:
            the inputs and the in-between frames ``I^l_t+n`` at the input size, as STAR-T-LR and
            STAR-T-HR are evaluated). Default: 'hr'.
        res_init_scale (float): Factor of the last convolution of every residual block at
            construction (:func:`~mmstvsr.models.archs.scale_residual_branches`). 1 keeps the
            authors' initialisation, whose outputs start around 20-100 times the image range;
            0.1 (MMagic's residual blocks) starts near it, which short runs need. Default: 1.
        init_cfg (dict, optional): Initialisation config.
    """

    size_divisor = 4

    def __init__(self,
                 hr_channels: int = 64,
                 lr_channels: int = 128,
                 base_channels: int = 256,
                 num_stages: int = 3,
                 num_blocks: int = 5,
                 scale: int = 4,
                 version: str = 'V4',
                 s_sr: str = 'rbpn',
                 use_flow: bool = True,
                 use_stage2: bool = True,
                 flow_refinement: Optional[dict] = dict(),
                 max_flow: float = 150.,
                 output: str = 'hr',
                 res_init_scale: float = 1.,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if version not in VERSIONS:
            raise ValueError(f'version must be one of {sorted(VERSIONS)}, got {version!r}')
        if s_sr not in ('rbpn', 'dbpn'):
            raise ValueError(f"s_sr must be 'rbpn' or 'dbpn', got {s_sr!r}")
        if output not in ('hr', 'lr'):
            raise ValueError(f"output must be 'hr' or 'lr', got {output!r}")
        if flow_refinement is not None and not use_flow:
            raise ValueError('flow refinement needs flows: set flow_refinement=None when '
                             'use_flow=False')
        kernel = projection_kernel(scale)
        c_h, c_l = hr_channels, lr_channels
        c_m = c_h if use_flow else 0
        self.scale = scale
        self.use_flow, self.use_stage2 = use_flow, use_stage2
        self.max_flow = max_flow
        self.output = output
        self.tsr_hr_on, self.tsr_lr_on = VERSIONS[version]

        self.flow_refinement = (FlowRefinement(**flow_refinement)
                                if flow_refinement is not None else None)
        self.net_s = RBPN(3, base_channels, c_h, num_stages, num_blocks,
                          num_neighbors=1 if s_sr == 'rbpn' else 0, scale=scale,
                          use_flow=use_flow)
        if use_flow:
            self.net_m = nn.Sequential(
                ConvBlock(4, base_channels, act_type='lrelu'),
                ResidualStack(base_channels, c_h, 2, act_type='lrelu'))
        # V1 encodes each input with its own NetD (2 blocks) and has a 3-block NetD elsewhere
        self.net_d = ResidualStack(c_h, c_l, 3 if version == 'V1' else 2, kernel, 'lrelu')
        if version == 'V1':
            self.net_d_inputs = nn.ModuleList(
                [ResidualStack(c_h, c_l, 2, kernel, 'lrelu') for _ in range(2)])
        self.net_st = ResidualStack(2 * c_l + c_m, c_h, num_blocks, kernel, 'lrelu',
                                    transposed=True)
        if self.tsr_hr_on:
            self.tsr_hr = TSRHR(2 * c_h + c_m, c_h)
        if self.tsr_lr_on:
            self.tsr_lr = ResidualStack(2 * c_l + c_m, c_l, 2, act_type='lrelu')
        if use_stage2:
            self.net_f = ResidualStack(2 * c_l + c_m, c_h, num_blocks, kernel, 'lrelu',
                                       transposed=True)
            self.net_b = ResidualStack(2 * c_l + c_m, c_h, num_blocks, kernel, 'lrelu',
                                       transposed=True)
        self.bp_act = nn.LeakyReLU(0.1)
        self.rec_lr = ConvBlock(c_l, 3, act_type=None)
        self.rec_hr = ConvBlock(c_h, 3, act_type=None)
        if res_init_scale != 1:
            scale_residual_branches(self, res_init_scale)

    # ------------------------------------------------------------------ one pair
    def _bp(self, x: torch.Tensor, proj: torch.Tensor) -> torch.Tensor:
        """Back-projection update ``x + LReLU(x - proj)`` (Eq. 2, 6, 8, 11)."""
        return x + self.bp_act(x - proj)

    def _cat(self, *feats: Optional[torch.Tensor]) -> torch.Tensor:
        return torch.cat([f for f in feats if f is not None], dim=1)

    def forward_pair(self, img_a: torch.Tensor, img_b: torch.Tensor,
                     flow_ab: Optional[torch.Tensor],
                     flow_ba: Optional[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """STARnet on one pair of frames.

        Args:
            img_a (Tensor): ``I_t`` ``(N, 3, h, w)``.
            img_b (Tensor): ``I_t+1`` ``(N, 3, h, w)``.
            flow_ab (Tensor | None): Normalised (and refined) ``F_t->t+1`` ``(N, 2, h, w)``.
            flow_ba (Tensor | None): Normalised (and refined) ``F_t+1->t`` ``(N, 2, h, w)``.

        Returns:
            dict: Images of the last stage, ``hr_a``, ``hr_mid``, ``hr_b`` ``(N, 3, s*h, s*w)``
            and ``lr_mid`` ``(N, 3, h, w)``, and with stage 2 the same keys with the suffix
            ``_stage1`` for stage 1's images.
        """
        if self.net_s.num_neighbors:
            aux_a, h_a = self.net_s(img_a, [img_b], [flow_ab] if self.use_flow else None)
            aux_b, h_b = self.net_s(img_b, [img_a], [flow_ba] if self.use_flow else None)
        else:
            aux_a, h_a = self.net_s(img_a, [])
            aux_b, h_b = self.net_s(img_b, [])
        if hasattr(self, 'net_d_inputs'):
            l_a, l_b = self.net_d_inputs[0](h_a), self.net_d_inputs[1](h_b)
        else:
            l_a, l_b = self.net_d(h_a), self.net_d(h_b)
        m = m_half = None
        if self.use_flow:
            flows = torch.cat([flow_ab, flow_ba], dim=1)
            m, m_half = self.net_m(flows), self.net_m(flows / 2)

        # stage 1: ST-SR (Eq. 4) with the T-SR paths
        h_mid = self.net_st(self._cat(l_a, l_b, m))
        if self.tsr_hr_on:
            m_up = None if m is None else F.interpolate(
                m, scale_factor=self.scale, mode='bilinear', align_corners=True)
            h_mid = self._bp(h_mid, self.tsr_hr(self._cat(h_a, h_b, m_up)))
        l_mid = self.net_d(h_mid)
        if self.tsr_lr_on:
            l_mid = self._bp(l_mid, self.tsr_lr(self._cat(l_a, l_b, m)))
        stage1 = dict(hr_a=aux_a, hr_mid=self.rec_hr(h_mid), hr_b=aux_b,
                      lr_mid=self.rec_lr(l_mid))
        if not self.use_stage2:
            return stage1

        # stage 2: refinement (Eq. 5-11)
        h_back = self.net_b(self._cat(l_a, l_mid, m_half))
        h_a = self._bp(h_a, h_back)
        l_a = self._bp(l_a, self.net_d(h_back))
        h_fwd = self.net_f(self._cat(l_mid, l_b, m_half))
        h_b = self._bp(h_b, h_fwd)
        l_b = self._bp(l_b, self.net_d(h_fwd))
        h_mid_f = self.net_f(self._cat(l_a, l_mid, m_half))
        h_mid = self._bp(h_mid, h_mid_f)
        l_mid = self._bp(l_mid, self.net_d(h_mid_f))
        h_mid_b = self.net_b(self._cat(l_mid, l_b, m_half))
        h_mid = self._bp(h_mid, h_mid_b)
        l_mid = self._bp(l_mid, self.net_d(h_mid_b))

        # stage 3: reconstruction
        out = dict(hr_a=self.rec_hr(h_a), hr_mid=self.rec_hr(h_mid), hr_b=self.rec_hr(h_b),
                   lr_mid=self.rec_lr(l_mid))
        out.update({f'{k}_stage1': v for k, v in stage1.items()})
        return out

    # ------------------------------------------------------------------ sequences
    def forward(self,
                lrs: torch.Tensor,
                times: torch.Tensor,
                flow_fwd: Optional[torch.Tensor] = None,
                flow_bwd: Optional[torch.Tensor] = None,
                return_aux: bool = False):
        """Space-time super-resolve a sequence.

        Args:
            lrs (Tensor): LR frames ``(B, T, 3, h, w)`` in [0, 1].
            times (Tensor): Intermediate positions; STARnet makes the midpoint only: ``(0.5,)``.
            flow_fwd (Tensor, optional): Flows i -> i+1 in pixels ``(B, T-1, 2, h, w)``.
            flow_bwd (Tensor, optional): Flows i+1 -> i in pixels ``(B, T-1, 2, h, w)``.
            return_aux (bool): Also return the other outputs.

        Returns:
            Tensor | dict: Frames ``(B, 2T-1, 3, s*h, s*w)`` (``output='hr'``) or
            ``(B, 2T-1, 3, h, w)`` (``output='lr'``); with ``return_aux`` a dict with
            ``frames``, ``hr`` and ``lr_mid`` (``(B, T-1, 3, h, w)``), ``hr_stage1`` and
            ``lr_mid_stage1`` with stage 2, and ``flow_fwd`` / ``flow_bwd`` (normalised,
            refined; ``(B, T-1, 2, h, w)``) with the FR module.
        """
        if [round(float(t), 6) for t in times] != [0.5]:
            raise ValueError('STARnet makes the frame halfway between two inputs only: '
                             f'times must be (0.5,), got {tuple(float(t) for t in times)}')
        b, t = lrs.shape[:2]
        img_a, img_b = lrs[:, :-1].flatten(0, 1), lrs[:, 1:].flatten(0, 1)
        flow_ab = flow_ba = None
        aux = {}
        if self.use_flow:
            if flow_fwd is None or flow_bwd is None:
                flow_fwd, flow_bwd = batch_neighbour_flows(lrs)
            flow_ab = normalize_flow(flow_fwd.flatten(0, 1), self.max_flow)
            flow_ba = normalize_flow(flow_bwd.flatten(0, 1), self.max_flow)
            if self.flow_refinement is not None:
                flow_ab = self.flow_refinement(flow_ab, img_a, img_b)
                flow_ba = self.flow_refinement(flow_ba, img_b, img_a)
                aux['flow_fwd'] = flow_ab.view(b, t - 1, *flow_ab.shape[1:])
                aux['flow_bwd'] = flow_ba.view(b, t - 1, *flow_ba.shape[1:])
        pair = self.forward_pair(img_a, img_b, flow_ab, flow_ba)

        def seq(name):
            x = pair[name]
            return x.view(b, t - 1, *x.shape[1:])

        hr = _assemble(seq('hr_a'), seq('hr_mid'), seq('hr_b'))
        lr_mid = seq('lr_mid')
        frames = hr if self.output == 'hr' else _assemble(lrs[:, :-1], lr_mid, lrs[:, 1:])
        if not return_aux:
            return frames
        aux.update(frames=frames, hr=hr, lr_mid=lr_mid)
        if self.use_stage2:
            aux['hr_stage1'] = _assemble(seq('hr_a_stage1'), seq('hr_mid_stage1'),
                                         seq('hr_b_stage1'))
            aux['lr_mid_stage1'] = seq('lr_mid_stage1')
        return aux


def _assemble(starts: torch.Tensor, mids: torch.Tensor, ends: torch.Tensor) -> torch.Tensor:
    """Interleave per-pair outputs ``(B, T-1, C, H, W)`` into ``(B, 2T-1, C, H, W)``.

    Input frame i is ``ends[i-1]`` and/or ``starts[i]``: the mean where both pairs produce it.
    """
    frames = []
    for i in range(starts.size(1) + 1):
        both = [x[:, j] for x, j in ((ends, i - 1), (starts, i)) if 0 <= j < starts.size(1)]
        frames.append(both[0] if len(both) == 1 else (both[0] + both[1]) / 2)
        if i < mids.size(1):
            frames.append(mids[:, i])
    return torch.stack(frames, dim=1)
