"""STINet: spatial-temporal feature interaction network (Yue & Shi, Neural Networks 2024)."""
import math
from typing import Optional

import torch
import torch.nn as nn
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.models.archs.bdconvlstm import BDConvLSTM
from mmstvsr.models.archs.projection_blocks import ConvBlock, ResBlock, projection_kernel
from mmstvsr.utils.flow import batch_neighbour_flows
from mmstvsr.utils.temporal import interleave, output_timestamps
from .stfi import STFI, adapt_flows


class STINetReconstruction(nn.Module):
    """Phase 4 (Sec. 3.5): V = V_L + V_H.

    V_L: LR features -> [conv(C -> 4C), PixelShuffle(2), LReLU] x log2(s) -> conv -> LReLU ->
    conv(C -> 3); V_H: HR features -> 1x1 conv(C -> 3). A missing branch contributes nothing.

    Args:
        mid_channels (int): Feature channels C. Default: 64.
        scale (int): Spatial scale (a power of 2). Default: 4.
        use_lr (bool): Build V_L. Default: True.
        use_hr (bool): Build V_H. Default: True.
    """

    def __init__(self, mid_channels: int = 64, scale: int = 4, use_lr: bool = True,
                 use_hr: bool = True):
        super().__init__()
        c = mid_channels
        if use_lr:
            layers = []
            for _ in range(int(math.log2(scale))):
                layers += [nn.Conv2d(c, 4 * c, 3, 1, 1), nn.PixelShuffle(2), nn.LeakyReLU(0.1)]
            layers += [nn.Conv2d(c, c, 3, 1, 1), nn.LeakyReLU(0.1), nn.Conv2d(c, 3, 3, 1, 1)]
            self.lr_head = nn.Sequential(*layers)
        self.hr_head = nn.Conv2d(c, 3, 1) if use_hr else None
        self.use_lr = use_lr

    def forward(self, lr_feats: Optional[torch.Tensor],
                hr_feats: Optional[torch.Tensor]) -> torch.Tensor:
        """``(B, T, C, h, w)`` and ``(B, T, C, H, W)`` -> frames ``(B, T, 3, H, W)``."""
        out = 0
        if self.use_lr:
            b, t = lr_feats.shape[:2]
            v_l = self.lr_head(lr_feats.flatten(0, 1))
            out = out + v_l.view(b, t, *v_l.shape[1:])
        if self.hr_head is not None:
            b, t = hr_feats.shape[:2]
            v_h = self.hr_head(hr_feats.flatten(0, 1))
            out = out + v_h.view(b, t, *v_h.shape[1:])
        return out


@MODELS.register_module()
class STINetNet(BaseModule):
    """STINet backbone: LR frames ``(B, T, 3, h, w)`` -> HR frames ``(B, T_out, 3, s*h, s*w)``.

    Phase 1: the S-SR initialiser (dense DBPN) gives each input an HR feature, and a residual
    block + strided conv its LR feature; ST-FI interpolates LR and HR features at every t' from
    the neighbours and the adapted flows (Eq. 1); phase-1 RGB heads give l'_rec's predictions.
    Phase 2: a stack of ST-LR modules. Phase 3: ST-GR over all LR and HR nodes, with real time
    stamps. Phase 4: reconstruction V = V_L + V_H.

    Input flows ``flow_fwd`` / ``flow_bwd`` ``(B, T-1, 2, h, w)`` (OpenCV Farneback between
    neighbouring LR inputs, from :class:`~mmstvsr.datasets.transforms.FarnebackFlow`) are computed
    here with the same estimator when not given.

    Args:
        mid_channels (int): Feature channels of both branches. Default: 64.
        scale (int): Spatial scale. Default: 4.
        initializer (dict): Config of the S-SR initialiser, which must map ``(N, 3, h, w)`` to
            ``(N, mid_channels, s*h, s*w)``. Default: ``DenseDBPN``.
        num_shared_blocks (int): Shared residual blocks of ST-FI. Default: 5.
        motion_channels (int): Inner channels of Mnet. Default: 32.
        share_stfi_blocks (bool): Share ST-FI's blocks between LR and HR (False: "ST-FI w/o
            share"). Default: True.
        flow_mode (str): ``'adapted'`` (Eq. 1), ``'raw'`` (the flows between the inputs, not
            adapted to t': "w/o flow adaption") or ``'none'`` ("w/o optical flows").
            Default: 'adapted'.
        use_lr (bool): Keep the LR branch (False: "STINet w/o LR"). Default: True.
        use_hr (bool): Keep the HR branch (False: "STINet w/o HR"). Default: True.
        num_stlr (int): ST-LR modules (0: "w/o ST-LR"). Default: 1 (the authors' code).
        share_stlr (bool): Apply one ST-LR module ``num_stlr`` times instead of a stack of
            separate ones. Default: False.
        stlr (dict): Config of the ST-LR variant and its extra arguments (``deform_groups``):
            ``type`` :class:`~.stlr.STLR` (default; the paper's, with Inet),
            ``'STLRWithoutInet'``, ``'LROffsetsSTLR'`` (needed without HR) or
            ``'HROffsetsSTLR'`` (needed without LR). Channels, scale and branches are filled in.
            Default: ``dict()``.
        stgr (dict | None): Config of the ST-GR variant and its extra arguments: ``type``
            :class:`~.stgr.STGR` (default; the paper's, with ``use_frame_similarity``,
            ``use_pixel_similarity``, ``use_temporal_closeness``) or ``'OfficialSTGR'`` (the
            authors' code); channels and scale are filled in. None removes ST-GR
            ("w/o ST-GR"). Default: ``dict()``.
        bdconvlstm (dict | None): Arguments of a :class:`~mmstvsr.models.archs.BDConvLSTM`
            (``deform_groups``) refining each branch's sequence after ST-GR; with ``stgr=None``
            this is Table 4's "ST-GR -> BDCL". Default: None.
        init_cfg (dict, optional): Initialisation config.
    """

    size_divisor = 1

    def __init__(self,
                 mid_channels: int = 64,
                 scale: int = 4,
                 initializer: dict = dict(type='DenseDBPN'),
                 num_shared_blocks: int = 5,
                 motion_channels: int = 32,
                 share_stfi_blocks: bool = True,
                 flow_mode: str = 'adapted',
                 use_lr: bool = True,
                 use_hr: bool = True,
                 num_stlr: int = 1,
                 share_stlr: bool = False,
                 stlr: dict = dict(),
                 stgr: Optional[dict] = dict(),
                 bdconvlstm: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if flow_mode not in ('adapted', 'raw', 'none'):
            raise ValueError(f"flow_mode must be 'adapted', 'raw' or 'none', got {flow_mode!r}")
        if not (use_lr or use_hr):
            raise ValueError('STINet needs at least one of the LR and HR branches')
        c = mid_channels
        kernel, stride, pad = projection_kernel(scale)
        self.scale = scale
        self.flow_mode = flow_mode
        self.use_lr, self.use_hr = use_lr, use_hr

        self.initializer = MODELS.build(initializer)
        self.lr_from_hr = nn.Sequential(
            ResBlock(c, act_type='lrelu'), ConvBlock(c, c, kernel, stride, pad, act_type='lrelu'))
        self.stfi = STFI(c, scale, num_shared_blocks, share_stfi_blocks, flow_mode != 'none',
                         use_lr, use_hr, motion_channels)
        self.lr_rgb_head = ConvBlock(c, 3, 3, 1, 1, act_type=None) if use_lr else None
        self.hr_rgb_head = ConvBlock(c, 3, 3, 1, 1, act_type=None) if use_hr else None

        def build_stlr():
            return MODELS.build(stlr, default_args=dict(
                type='STLR', mid_channels=c, scale=scale, use_lr=use_lr, use_hr=use_hr))

        if share_stlr and num_stlr > 0:
            self.stlr = nn.ModuleList([build_stlr()] * num_stlr)
        else:
            self.stlr = nn.ModuleList([build_stlr() for _ in range(num_stlr)])
        self.stgr = None if stgr is None else MODELS.build(
            stgr, default_args=dict(type='STGR', mid_channels=c, scale=scale))
        self.bdconvlstm = None if bdconvlstm is None else nn.ModuleDict(
            {branch: BDConvLSTM(c, **bdconvlstm)
             for branch, used in (('lr', use_lr), ('hr', use_hr)) if used})
        self.reconstruction = STINetReconstruction(c, scale, use_lr, use_hr)

    def forward(self,
                lrs: torch.Tensor,
                times: torch.Tensor,
                flow_fwd: Optional[torch.Tensor] = None,
                flow_bwd: Optional[torch.Tensor] = None,
                return_aux: bool = False):
        """Space-time super-resolve a sequence.

        Args:
            lrs (Tensor): LR frames ``(B, T, 3, h, w)`` in [0, 1].
            times (Tensor): Intermediate positions t' ``(K,)``.
            flow_fwd (Tensor, optional): Flows i -> i+1 ``(B, T-1, 2, h, w)``.
            flow_bwd (Tensor, optional): Flows i+1 -> i ``(B, T-1, 2, h, w)``.
            return_aux (bool): Also return the phase-1 predictions.

        Returns:
            Tensor | dict: Frames ``(B, T_out, 3, s*h, s*w)``, T_out = T + (T-1)K; with
            ``return_aux`` a dict with ``frames``, ``lr_init`` (phase-1 LR frames
            ``(B, T_out, 3, h, w)``) and ``hr_init`` (phase-1 HR frames), those of a missing
            branch left out.
        """
        b, t = lrs.shape[:2]
        times = times.tolist()
        hr_feats = self.initializer(lrs.flatten(0, 1))
        lr_feats = self.lr_from_hr(hr_feats)
        hr_feats = hr_feats.view(b, t, *hr_feats.shape[1:])
        lr_feats = lr_feats.view(b, t, *lr_feats.shape[1:])
        if self.flow_mode != 'none' and (flow_fwd is None or flow_bwd is None):
            flow_fwd, flow_bwd = batch_neighbour_flows(lrs)

        def flows_at(i, tau):
            if self.flow_mode == 'none':
                return None
            if self.flow_mode == 'raw':
                return flow_fwd[:, i], flow_bwd[:, i]
            return adapt_flows(flow_fwd[:, i], flow_bwd[:, i], tau)

        seq = interleave(
            t, times, lambda i: (lr_feats[:, i], hr_feats[:, i]),
            lambda i, tau: self.stfi((lr_feats[:, i], lr_feats[:, i + 1]),
                                     (hr_feats[:, i], hr_feats[:, i + 1]), flows_at(i, tau)))
        lr_seq = torch.stack([lr for lr, _ in seq], 1) if self.use_lr else None
        hr_seq = torch.stack([hr for _, hr in seq], 1) if self.use_hr else None
        aux = {}
        if return_aux:
            if self.use_lr:
                aux['lr_init'] = _per_frame(self.lr_rgb_head, lr_seq)
            if self.use_hr:
                aux['hr_init'] = _per_frame(self.hr_rgb_head, hr_seq)

        for stlr in self.stlr:
            lr_seq, hr_seq = stlr(lr_seq, hr_seq)
        if self.stgr is not None:
            stamps = output_timestamps(t, times).to(lrs.device)
            lr_seq, hr_seq = self.stgr(lr_seq, hr_seq, stamps)
        if self.bdconvlstm is not None:
            lr_seq = self.bdconvlstm['lr'](lr_seq) if self.use_lr else None
            hr_seq = self.bdconvlstm['hr'](hr_seq) if self.use_hr else None
        frames = self.reconstruction(lr_seq, hr_seq)
        return dict(frames=frames, **aux) if return_aux else frames


def _per_frame(module: nn.Module, seq: torch.Tensor) -> torch.Tensor:
    """Apply an image module to every frame of ``(B, T, C, H, W)``."""
    b, t = seq.shape[:2]
    out = module(seq.flatten(0, 1))
    return out.view(b, t, *out.shape[1:])
