"""STARnet (Haris et al., "Space-Time-Aware Multi-Resolution Video Enhancement", CVPR 2020)."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.models.archs import (RBPN, ConvBlock, ResidualStack, UNet, projection_kernel,
                                  scale_residual_branches)
from mmstvsr.utils.flow import batch_neighbour_flows, normalize_flow
from .pyramid_module import PyramidModule

Images = Dict[str, torch.Tensor]


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


class HRTemporalSR(nn.Module):
    """Temporal SR on the HR features (T-SR on S-HR, Table 6): the in-between HR feature from
    the two input HR features and the motion.

    1x1 conv on ``cat(H_t, H_t+1, up(M))``, :class:`PyramidModule`, 3x3 conv (the authors'
    ``t_net_hr``).

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
    """STARnet backbone ("STAR", the authors' V4): LR frames ``(B, T, 3, h, w)`` -> HR frames
    ``(B, 2T-1, 3, s*h, s*w)``.

    Every pair of neighbouring inputs ``(I_t, I_t+1)`` with its flows goes through the three
    stages of the paper (Sec. 3.1):

    - Stage 1 (Eq. 1-4): ``spatial_sr`` (NetS, :class:`~mmstvsr.models.archs.RBPN`)
      super-resolves each input with the other and the flow to it, giving the HR features
      ``H_t``, ``H_t+1``; ``hr_to_lr`` (NetD) brings them to LR features ``L_t``, ``L_t+1``;
      ``motion_encoder`` (NetM) turns ``cat(F_t->t+1, F_t+1->t)`` into the motion feature ``M``;
      ``space_time_sr`` (NetST) makes ``H_t+n`` from ``cat(L_t, L_t+1, M)`` and
      ``L_t+n = NetD(H_t+n)``. The temporal-SR paths ``hr_temporal_sr`` and ``lr_temporal_sr``
      (T-SR on S-HR and on S-LR) update ``H_t+n`` and ``L_t+n`` by back-projection
      ``X <- X + LReLU(X - T-SR(...))``.
    - Stage 2 (Eq. 5-11): ``backward_refiner`` and ``forward_refiner`` (NetB and NetF, same
      layout as NetST) on ``M_half`` (NetM on half the flows) update ``H_t``, ``H_t+1``,
      ``H_t+n`` and their LR features by back-projection, in the authors' order (t from the
      backward pass, t+1 from the forward pass, then t+n from both).
    - Stage 3: ``lr_rgb_head`` and ``hr_rgb_head``, one 3x3 conv per resolution, give the
      images.

    Flows come in pixels (the pipeline's :class:`~mmstvsr.datasets.transforms.FarnebackFlow`,
    computed here with the same estimator when not given), are clipped to ``+-max_flow`` and
    mapped to [-1, 1] (:func:`~mmstvsr.utils.flow.normalize_flow`), then refined by the FR
    module (Eq. 14) when it is built.

    Over T > 2 inputs each pair is processed alike (batched); an inner input frame, produced by
    the pairs on both sides, is the mean of the two.

    The paper's variants are subclasses that change one part each: Table 6's
    :class:`STARnetWithoutTemporalSRNet` (V1), :class:`STARnetWithoutLRTemporalSRNet` (V2) and
    :class:`STARnetWithoutHRTemporalSRNet` (V3), Table 1's :class:`STARnetWithoutFlowNet` and
    :class:`STARnetWithoutStage2Net`, Table 4's :class:`STARnetWithDBPNNet`, and
    :class:`STARnetLROutputNet` (STAR-T, evaluated on its LR frames). Every part is an attribute
    in each of them, None where the variant has no such part.

    Args:
        hr_channels (int): HR feature channels (c_h in the paper). Default: 64.
        lr_channels (int): LR feature channels (c_l). Default: 128.
        base_channels (int): LR feature channels of RBPN and of NetM's body. Default: 256.
        num_stages (int): Up-projections of RBPN's DBPN-S. Default: 3.
        num_blocks (int): Residual blocks of NetST, NetF, NetB and of RBPN's stacks. Default: 5.
        scale (int): Spatial scale. Default: 4.
        flow_refinement (dict | None): :class:`FlowRefinement` arguments; None: "w/o FR".
            Default: ``dict()``.
        max_flow (float): Flow clipping bound in pixels. Default: 150.
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
                 flow_refinement: Optional[dict] = dict(),
                 max_flow: float = 150.,
                 res_init_scale: float = 1.,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        kernel = projection_kernel(scale)
        self.scale = scale
        self.max_flow = max_flow

        self.flow_refinement = (FlowRefinement(**flow_refinement)
                                if flow_refinement is not None else None)
        self.spatial_sr = self._build_spatial_sr(
            in_channels=3, base_channels=base_channels, mid_channels=hr_channels,
            num_stages=num_stages, num_blocks=num_blocks, scale=scale)
        self.motion_encoder = self._build_motion_encoder(base_channels, hr_channels)
        motion_channels = 0 if self.motion_encoder is None else hr_channels  # c_m
        pair_channels = 2 * lr_channels + motion_channels  # cat(L_a, L_b, M)
        self.hr_to_lr, self.input_hr_to_lr = self._build_hr_to_lr(
            hr_channels, lr_channels, kernel)
        self.space_time_sr = ResidualStack(pair_channels, hr_channels, num_blocks, kernel,
                                           'lrelu', transposed=True)
        self.hr_temporal_sr = self._build_hr_temporal_sr(
            2 * hr_channels + motion_channels, hr_channels)
        self.lr_temporal_sr = self._build_lr_temporal_sr(pair_channels, lr_channels)
        self.forward_refiner = self._build_refiner(pair_channels, hr_channels, num_blocks, kernel)
        self.backward_refiner = self._build_refiner(pair_channels, hr_channels, num_blocks,
                                                    kernel)
        self.back_projection_act = nn.LeakyReLU(0.1)
        self.lr_rgb_head = ConvBlock(lr_channels, 3, act_type=None)
        self.hr_rgb_head = ConvBlock(hr_channels, 3, act_type=None)
        if res_init_scale != 1:
            scale_residual_branches(self, res_init_scale)

    # ------------------------------------------------------------------ parts of the variants
    def _build_spatial_sr(self, **sizes) -> RBPN:
        """NetS (Eq. 1): RBPN on the frame, the other frame of the pair and the flow to it."""
        return RBPN(num_neighbors=1, use_flow=True, **sizes)

    def _build_motion_encoder(self, base_channels: int, hr_channels: int) -> Optional[nn.Module]:
        """NetM: the motion feature ``(N, c_h, h, w)`` of the two flows ``(N, 4, h, w)``."""
        return nn.Sequential(
            ConvBlock(4, base_channels, act_type='lrelu'),
            ResidualStack(base_channels, hr_channels, 2, act_type='lrelu'))

    def _build_hr_to_lr(self, hr_channels: int, lr_channels: int, kernel: Tuple[int, int, int]
                        ) -> Tuple[nn.Module, Optional[nn.ModuleList]]:
        """NetD (2 residual blocks and a strided conv), and no separate NetD of the inputs."""
        return ResidualStack(hr_channels, lr_channels, 2, kernel, 'lrelu'), None

    def _build_hr_temporal_sr(self, in_channels: int, hr_channels: int) -> Optional[nn.Module]:
        """T-SR on S-HR: :class:`HRTemporalSR`."""
        return HRTemporalSR(in_channels, hr_channels)

    def _build_lr_temporal_sr(self, in_channels: int, lr_channels: int) -> Optional[nn.Module]:
        """T-SR on S-LR: 2 residual blocks and a conv on ``cat(L_t, L_t+1, M)``."""
        return ResidualStack(in_channels, lr_channels, 2, act_type='lrelu')

    def _build_refiner(self, in_channels: int, hr_channels: int, num_blocks: int,
                       kernel: Tuple[int, int, int]) -> Optional[nn.Module]:
        """NetF or NetB of stage 2: the layout of NetST."""
        return ResidualStack(in_channels, hr_channels, num_blocks, kernel, 'lrelu',
                             transposed=True)

    # ------------------------------------------------------------------ one pair
    def _back_project(self, x: torch.Tensor, projection: torch.Tensor) -> torch.Tensor:
        """Back-projection update ``x + LReLU(x - projection)`` (Eq. 2, 6, 8, 11)."""
        return x + self.back_projection_act(x - projection)

    @staticmethod
    def _cat(*feats: Optional[torch.Tensor]) -> torch.Tensor:
        """Concatenate the given features along channels, skipping None (no motion feature)."""
        return torch.cat([f for f in feats if f is not None], dim=1)

    def super_resolve_inputs(self, img_a: torch.Tensor, img_b: torch.Tensor,
                             flow_ab: Optional[torch.Tensor], flow_ba: Optional[torch.Tensor]
                             ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """NetS (Eq. 1): each input super-resolved with the other and the flow to it.

        Returns:
            tuple[Tensor]: The images ``(N, 3, s*h, s*w)`` and HR features
            ``(N, c_h, s*h, s*w)`` of the two inputs: ``rgb_a, hr_a, rgb_b, hr_b``.
        """
        rgb_a, hr_a = self.spatial_sr(img_a, [img_b], None if flow_ab is None else [flow_ab])
        rgb_b, hr_b = self.spatial_sr(img_b, [img_a], None if flow_ba is None else [flow_ba])
        return rgb_a, hr_a, rgb_b, hr_b

    def inputs_to_lr(self, hr_a: torch.Tensor,
                     hr_b: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The LR features ``L_t``, ``L_t+1`` ``(N, c_l, h, w)`` of the inputs (NetD, Eq. 2)."""
        return self.hr_to_lr(hr_a), self.hr_to_lr(hr_b)

    def encode_motion(self, flow_ab: Optional[torch.Tensor], flow_ba: Optional[torch.Tensor]
                      ) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
        """NetM (Eq. 3) on the flows and on half the flows: ``M`` and ``M_half``
        ``(N, c_h, h, w)``."""
        flows = torch.cat([flow_ab, flow_ba], dim=1)
        return self.motion_encoder(flows), self.motion_encoder(flows / 2)

    def stage1(self, img_a: torch.Tensor, img_b: torch.Tensor, flow_ab: Optional[torch.Tensor],
               flow_ba: Optional[torch.Tensor]) -> Tuple[tuple, Images]:
        """ST-SR (Eq. 1-4) with the T-SR paths.

        Returns:
            tuple[tuple, dict]: The features ``(hr_a, hr_mid, hr_b, lr_a, lr_mid, lr_b,
            half_motion)`` for stage 2, and the images ``hr_a``, ``hr_mid``, ``hr_b``
            ``(N, 3, s*h, s*w)`` and ``lr_mid`` ``(N, 3, h, w)``.
        """
        rgb_a, hr_a, rgb_b, hr_b = self.super_resolve_inputs(img_a, img_b, flow_ab, flow_ba)
        lr_a, lr_b = self.inputs_to_lr(hr_a, hr_b)
        motion = half_motion = None
        if self.motion_encoder is not None:
            motion, half_motion = self.encode_motion(flow_ab, flow_ba)

        hr_mid = self.space_time_sr(self._cat(lr_a, lr_b, motion))
        if self.hr_temporal_sr is not None:
            motion_up = None if motion is None else F.interpolate(
                motion, scale_factor=self.scale, mode='bilinear', align_corners=True)
            hr_mid = self._back_project(
                hr_mid, self.hr_temporal_sr(self._cat(hr_a, hr_b, motion_up)))
        lr_mid = self.hr_to_lr(hr_mid)
        if self.lr_temporal_sr is not None:
            lr_mid = self._back_project(lr_mid, self.lr_temporal_sr(self._cat(lr_a, lr_b, motion)))
        images = dict(hr_a=rgb_a, hr_mid=self.hr_rgb_head(hr_mid), hr_b=rgb_b,
                      lr_mid=self.lr_rgb_head(lr_mid))
        return (hr_a, hr_mid, hr_b, lr_a, lr_mid, lr_b, half_motion), images

    def _refine(self, refiner: nn.Module, lr_first: torch.Tensor, lr_second: torch.Tensor,
                half_motion: Optional[torch.Tensor], hr: torch.Tensor,
                lr: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """One stage-2 update: the HR feature ``refiner`` (NetF or NetB) makes from two LR
        features and ``M_half`` updates ``hr`` and, through NetD, ``lr`` by back-projection."""
        projection = refiner(self._cat(lr_first, lr_second, half_motion))
        return (self._back_project(hr, projection),
                self._back_project(lr, self.hr_to_lr(projection)))

    def stage2(self, hr_a: torch.Tensor, hr_mid: torch.Tensor, hr_b: torch.Tensor,
               lr_a: torch.Tensor, lr_mid: torch.Tensor, lr_b: torch.Tensor,
               half_motion: Optional[torch.Tensor]) -> Images:
        """Refinement (Eq. 5-11) and reconstruction (stage 3).

        Returns:
            dict: The images ``hr_a``, ``hr_mid``, ``hr_b`` ``(N, 3, s*h, s*w)`` and ``lr_mid``
            ``(N, 3, h, w)``.
        """
        backward, forward = self.backward_refiner, self.forward_refiner
        hr_a, lr_a = self._refine(backward, lr_a, lr_mid, half_motion, hr_a, lr_a)
        hr_b, lr_b = self._refine(forward, lr_mid, lr_b, half_motion, hr_b, lr_b)
        hr_mid, lr_mid = self._refine(forward, lr_a, lr_mid, half_motion, hr_mid, lr_mid)
        hr_mid, lr_mid = self._refine(backward, lr_mid, lr_b, half_motion, hr_mid, lr_mid)
        return dict(hr_a=self.hr_rgb_head(hr_a), hr_mid=self.hr_rgb_head(hr_mid),
                    hr_b=self.hr_rgb_head(hr_b), lr_mid=self.lr_rgb_head(lr_mid))

    def forward_pair(self, img_a: torch.Tensor, img_b: torch.Tensor,
                     flow_ab: Optional[torch.Tensor], flow_ba: Optional[torch.Tensor]) -> Images:
        """STARnet on one pair of frames.

        Args:
            img_a (Tensor): ``I_t`` ``(N, 3, h, w)``.
            img_b (Tensor): ``I_t+1`` ``(N, 3, h, w)``.
            flow_ab (Tensor | None): Normalised (and refined) ``F_t->t+1`` ``(N, 2, h, w)``.
            flow_ba (Tensor | None): Normalised (and refined) ``F_t+1->t`` ``(N, 2, h, w)``.

        Returns:
            dict: Images of the last stage, ``hr_a``, ``hr_mid``, ``hr_b`` ``(N, 3, s*h, s*w)``
            and ``lr_mid`` ``(N, 3, h, w)``, and the same keys with the suffix ``_stage1`` for
            stage 1's images.
        """
        feats, stage1 = self.stage1(img_a, img_b, flow_ab, flow_ba)
        out = self.stage2(*feats)
        out.update({f'{k}_stage1': v for k, v in stage1.items()})
        return out

    # ------------------------------------------------------------------ sequences
    def pair_flows(self, lrs: torch.Tensor, img_a: torch.Tensor, img_b: torch.Tensor,
                   flow_fwd: Optional[torch.Tensor], flow_bwd: Optional[torch.Tensor]
                   ) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor], Images]:
        """The flows of every pair of neighbouring inputs, normalised and refined.

        Args:
            lrs (Tensor): LR frames ``(B, T, 3, h, w)``.
            img_a (Tensor): The first frame of every pair ``(B*(T-1), 3, h, w)``.
            img_b (Tensor): The second frame of every pair ``(B*(T-1), 3, h, w)``.
            flow_fwd (Tensor, optional): Flows i -> i+1 in pixels ``(B, T-1, 2, h, w)``.
            flow_bwd (Tensor, optional): Flows i+1 -> i in pixels ``(B, T-1, 2, h, w)``.

        Returns:
            tuple: ``F_t->t+1`` and ``F_t+1->t`` of the ``B*(T-1)`` pairs ``(B*(T-1), 2, h, w)``,
            and with the FR module the refined flows as outputs ``flow_fwd`` / ``flow_bwd``
            ``(B, T-1, 2, h, w)``.
        """
        b, t = lrs.shape[:2]
        if flow_fwd is None or flow_bwd is None:
            flow_fwd, flow_bwd = batch_neighbour_flows(lrs)
        flow_ab = normalize_flow(flow_fwd.flatten(0, 1), self.max_flow)
        flow_ba = normalize_flow(flow_bwd.flatten(0, 1), self.max_flow)
        if self.flow_refinement is None:
            return flow_ab, flow_ba, {}
        flow_ab = self.flow_refinement(flow_ab, img_a, img_b)
        flow_ba = self.flow_refinement(flow_ba, img_b, img_a)
        return flow_ab, flow_ba, dict(flow_fwd=flow_ab.view(b, t - 1, *flow_ab.shape[1:]),
                                      flow_bwd=flow_ba.view(b, t - 1, *flow_ba.shape[1:]))

    def output_frames(self, lrs: torch.Tensor, hr: torch.Tensor,
                      lr_mid: torch.Tensor) -> torch.Tensor:
        """What ``frames`` holds: the HR frames ``(B, 2T-1, 3, s*h, s*w)``."""
        return hr

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
            Tensor | dict: Frames ``(B, 2T-1, 3, s*h, s*w)`` (:class:`STARnetLROutputNet`:
            ``(B, 2T-1, 3, h, w)``); with ``return_aux`` a dict with ``frames``, ``hr`` and
            ``lr_mid`` (``(B, T-1, 3, h, w)``), ``hr_stage1`` and ``lr_mid_stage1`` with stage
            2, and ``flow_fwd`` / ``flow_bwd`` (normalised, refined; ``(B, T-1, 2, h, w)``)
            with the FR module.
        """
        if [round(float(t), 6) for t in times] != [0.5]:
            raise ValueError('STARnet makes the frame halfway between two inputs only: '
                             f'times must be (0.5,), got {tuple(float(t) for t in times)}')
        b, t = lrs.shape[:2]
        img_a, img_b = lrs[:, :-1].flatten(0, 1), lrs[:, 1:].flatten(0, 1)
        flow_ab, flow_ba, aux = self.pair_flows(lrs, img_a, img_b, flow_fwd, flow_bwd)
        pair = self.forward_pair(img_a, img_b, flow_ab, flow_ba)

        def seq(name):
            x = pair[name]
            return x.view(b, t - 1, *x.shape[1:])

        hr = _assemble(seq('hr_a'), seq('hr_mid'), seq('hr_b'))
        lr_mid = seq('lr_mid')
        frames = self.output_frames(lrs, hr, lr_mid)
        if not return_aux:
            return frames
        aux.update(frames=frames, hr=hr, lr_mid=lr_mid)
        if 'hr_a_stage1' in pair:
            aux['hr_stage1'] = _assemble(seq('hr_a_stage1'), seq('hr_mid_stage1'),
                                         seq('hr_b_stage1'))
            aux['lr_mid_stage1'] = seq('lr_mid_stage1')
        return aux


@MODELS.register_module()
class STARnetWithoutTemporalSRNet(STARnetNet):
    """Table 6 (1) "Only ST-SR" (the authors' V1): no T-SR path, and each input has its own
    NetD (2 residual blocks) while the in-between feature's NetD has 3. Args as
    :class:`STARnetNet`."""

    def _build_hr_to_lr(self, hr_channels, lr_channels, kernel):
        """NetD with 3 blocks, and a 2-block NetD for each of the two inputs."""
        return (ResidualStack(hr_channels, lr_channels, 3, kernel, 'lrelu'),
                nn.ModuleList([ResidualStack(hr_channels, lr_channels, 2, kernel, 'lrelu')
                               for _ in range(2)]))

    def _build_hr_temporal_sr(self, in_channels, hr_channels):
        return None

    def _build_lr_temporal_sr(self, in_channels, lr_channels):
        return None

    def inputs_to_lr(self, hr_a, hr_b):
        """Each input through its own NetD."""
        return self.input_hr_to_lr[0](hr_a), self.input_hr_to_lr[1](hr_b)


@MODELS.register_module()
class STARnetWithoutLRTemporalSRNet(STARnetNet):
    """Table 6 (2) "ST-SR + T-SR on S-HR" (the authors' V2): the HR T-SR path only. Args as
    :class:`STARnetNet`."""

    def _build_lr_temporal_sr(self, in_channels, lr_channels):
        return None


@MODELS.register_module()
class STARnetWithoutHRTemporalSRNet(STARnetNet):
    """Table 6 (3) "ST-SR + T-SR on S-LR" (the authors' V3): the LR T-SR path only. Args as
    :class:`STARnetNet`."""

    def _build_hr_temporal_sr(self, in_channels, hr_channels):
        return None


@MODELS.register_module()
class STARnetWithDBPNNet(STARnetNet):
    """Table 4 "STAR with DBPN": NetS is DBPN-S on each frame alone (single-image SR) instead of
    RBPN on the two frames and the flow between them. Args as :class:`STARnetNet`."""

    def _build_spatial_sr(self, **sizes):
        return RBPN(num_neighbors=0, **sizes)

    def super_resolve_inputs(self, img_a, img_b, flow_ab, flow_ba):
        """Each input super-resolved alone."""
        rgb_a, hr_a = self.spatial_sr(img_a, [])
        rgb_b, hr_b = self.spatial_sr(img_b, [])
        return rgb_a, hr_a, rgb_b, hr_b


@MODELS.register_module()
class STARnetWithoutFlowNet(STARnetNet):
    """Table 1 "STAR w/o Flow": no input flows and no NetM (so no flow refinement and no flow
    loss); NetS is RBPN on the two frames alone.

    Args:
        *args: :class:`STARnetNet` arguments.
        flow_refinement (None): There is no flow to refine. Default: None.
        **kwargs: :class:`STARnetNet` arguments.
    """

    def __init__(self, *args, flow_refinement: Optional[dict] = None, **kwargs):
        if flow_refinement is not None:
            raise ValueError('STARnet without flows has no flow to refine: set '
                             'flow_refinement=None (and flow_loss=None in the model)')
        super().__init__(*args, flow_refinement=None, **kwargs)

    def _build_spatial_sr(self, **sizes):
        return RBPN(num_neighbors=1, use_flow=False, **sizes)

    def _build_motion_encoder(self, base_channels, hr_channels):
        return None

    def pair_flows(self, lrs, img_a, img_b, flow_fwd, flow_bwd):
        """No flows."""
        return None, None, {}


@MODELS.register_module()
class STARnetWithoutStage2Net(STARnetNet):
    """Table 1 "STAR w/o Stage 2": no refinement stage (NetF, NetB); the stage-1 images are the
    output. Args as :class:`STARnetNet`."""

    def _build_refiner(self, in_channels, hr_channels, num_blocks, kernel):
        return None

    def forward_pair(self, img_a, img_b, flow_ab, flow_ba):
        """Stage 1's images ``hr_a``, ``hr_mid``, ``hr_b`` and ``lr_mid``."""
        return self.stage1(img_a, img_b, flow_ab, flow_ba)[1]


@MODELS.register_module()
class STARnetLROutputNet(STARnetNet):
    """STARnet whose ``frames`` are its T-SR output: the inputs and the in-between frames
    ``I^l_t+n`` at the input size ``(B, 2T-1, 3, h, w)``, as STAR-T-LR and STAR-T-HR (Fig. 4d)
    are evaluated. The network is :class:`STARnetNet`'s. Args as :class:`STARnetNet`."""

    def output_frames(self, lrs, hr, lr_mid):
        """The inputs interleaved with the LR in-between frames."""
        return _assemble(lrs[:, :-1], lr_mid, lrs[:, 1:])


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
