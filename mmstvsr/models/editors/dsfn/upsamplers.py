"""M_S and M_T of the Dual-Stream Fusion Network: any registered single-image SR network and any
frame interpolation network behind one interface each."""
import copy
from typing import Optional

import torch
import torch.nn.functional as F
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.models.archs import (YCBCR_INVERSES, crop_padding, pad_to_multiple, rgb_to_ycbcr,
                                  ycbcr_to_rgb)


class WrappedBackbone(BaseModule):
    """A registry-built ``backbone`` behind M_S's or M_T's interface.

    The wrapper has no weights of its own: its ``init_cfg`` is the backbone's (replacing any the
    backbone config sets), so that networks whose constructor takes none (MMagic's ``EDSRNet``)
    read their weights alike, e.g. ``init_cfg=dict(type='Pretrained', checkpoint=PATH,
    prefix='generator.')`` for an MMagic model-zoo checkpoint, or
    ``prefix='generator.spatial.backbone.'`` for M_S of a DSFN checkpoint (strict, see
    :class:`~mmstvsr.utils.checkpoint.StrictPretrainedInit`).

    Args:
        backbone (dict): Config of the network, built from MMagic's ``MODELS`` registry.
        size_divisor (int): Inputs are replicate-padded to a multiple of it (and outputs cropped
            back) for networks that downsample inside. Default: 1.
        centre_pad (bool): Split that padding between both sides (the smaller half at the top /
            left), as the DSFN authors pad the inputs of their networks, instead of padding at
            the bottom right. Default: False.
        init_cfg (dict, optional): Initialisation config of the backbone. Default: None.
    """

    def __init__(self,
                 backbone: dict,
                 size_divisor: int = 1,
                 centre_pad: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__()
        self.backbone = MODELS.build(backbone)
        if init_cfg is not None:
            if not isinstance(self.backbone, BaseModule):
                raise TypeError(f'{type(self.backbone).__name__} is not an MMEngine BaseModule: '
                                'it takes no init_cfg')
            self.backbone.init_cfg = copy.deepcopy(init_cfg)
        self.size_divisor = int(size_divisor)
        self.centre_pad = centre_pad

    def _check_output(self, out: torch.Tensor, expected: tuple) -> torch.Tensor:
        if tuple(out.shape) != expected:
            raise RuntimeError(
                f'{type(self.backbone).__name__} returned {tuple(out.shape)} where '
                f'{type(self).__name__} expects {expected}: check its upscale factor / channels '
                'in the config, or set size_divisor if it needs inputs of a multiple size')
        return out


@MODELS.register_module()
class SpatialUpsampler(WrappedBackbone):
    """M_S: ``(N, 3, h, w)`` LR images -> ``(N, 3, s*h, s*w)``, Eq. 1.

    Wraps any single-image SR network of the registry that maps ``(N, C, h, w)`` images in [0, 1]
    to ``(N, C, s*h, s*w)``: MMagic's ``EDSRNet``, ``RDNNet``, ``SRCNNNet``, ``MSRResNet``... or
    :class:`ESPCNNet`. With ``colour='y'`` the network sees only the BT.601 luma (``in_channels=1``)
    and the chroma is upsampled bicubically, as the DSFN authors run ESPCN.

    Args:
        backbone (dict): The SR network.
        scale (int): Its upsampling factor. Default: 2.
        colour (str): ``'rgb'`` (the network sees RGB) or ``'y'``. Default: 'rgb'.
        ycbcr_inverse (str): With ``colour='y'``, YCbCr -> RGB by the exact inverse
            (``'exact'``) or the DSFN authors' rounded coefficients (``'authors'``, up to 3e-6
            apart), see :func:`~mmstvsr.models.archs.ycbcr_to_rgb`. Default: 'exact'.
        **kwargs: :class:`WrappedBackbone` arguments (``size_divisor``, ``init_cfg``...).
    """

    def __init__(self,
                 backbone: dict,
                 scale: int = 2,
                 colour: str = 'rgb',
                 ycbcr_inverse: str = 'exact',
                 **kwargs):
        super().__init__(backbone, **kwargs)
        if colour not in ('rgb', 'y'):
            raise ValueError(f"colour must be 'rgb' or 'y', got {colour!r}")
        if ycbcr_inverse not in YCBCR_INVERSES:
            raise ValueError(f'ycbcr_inverse must be one of {YCBCR_INVERSES}, got '
                             f'{ycbcr_inverse!r}')
        self.scale = int(scale)
        self.colour = colour
        self.ycbcr_inverse = ycbcr_inverse

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, 3, h, w)`` in [0, 1] -> ``(N, 3, s*h, s*w)``."""
        n, c, h, w = x.shape
        size = (h * self.scale, w * self.scale)
        if self.colour == 'y':
            ycbcr = rgb_to_ycbcr(x)
            luma = self._upsample(ycbcr[:, :1], size)
            chroma = F.interpolate(ycbcr[:, 1:], size=size, mode='bicubic', align_corners=False)
            return ycbcr_to_rgb(torch.cat([luma, chroma], dim=1), self.ycbcr_inverse)
        return self._upsample(x, size)

    def _upsample(self, x: torch.Tensor, size: tuple) -> torch.Tensor:
        padded = pad_to_multiple(x, self.size_divisor, self.centre_pad)
        out = self._check_output(
            self.backbone(padded),
            (*x.shape[:2], padded.size(-2) * self.scale, padded.size(-1) * self.scale))
        return crop_padding(out, x.shape[-2:], self.size_divisor, self.centre_pad)


@MODELS.register_module()
class TemporalUpsampler(WrappedBackbone):
    """M_T: two frames ``(N, 2, 3, H, W)`` -> the frame at time ``t`` between them, Eq. 2.

    Wraps any frame interpolation network of the registry that maps ``(N, 2, C, H, W)`` to
    ``(N, C, H, W)`` (or ``(N, 1, C, H, W)``): MMagic's ``CAINNet``, ``FLAVRNet``
    (``num_input_frames=2, num_output_frames=1``), ``TOFlowVFINet``, or :class:`SuperSloMoNet`.
    Inputs are copied first (``CAINNet`` normalises its input in place) and padded to
    ``size_divisor`` (``CAINNet``: ``2**depth``, ``TOFlowVFINet``: 16, ``FLAVRNet``: 8 per
    encoder level, ``SuperSloMoNet`` pads itself; the DSFN authors pad its input to 32, centred:
    ``size_divisor=32, centre_pad=True``).

    Args:
        backbone (dict): The interpolation network.
        time_arg (str, optional): Keyword through which the network takes ``t``
            (``'t'`` for :class:`SuperSloMoNet`); None for networks that only give the midpoint,
            which then refuse any other ``t``. Default: None.
        **kwargs: :class:`WrappedBackbone` arguments (``size_divisor``, ``init_cfg``...).
    """

    def __init__(self, backbone: dict, time_arg: Optional[str] = None, **kwargs):
        super().__init__(backbone, **kwargs)
        self.time_arg = time_arg

    def forward(self, pair: torch.Tensor, t: float = 0.5) -> torch.Tensor:
        """``(N, 2, 3, H, W)`` -> ``(N, 3, H, W)`` at time ``t`` in (0, 1)."""
        if pair.dim() != 5 or pair.size(1) != 2:
            raise ValueError(f'M_T takes frame pairs (N, 2, C, H, W), got {tuple(pair.shape)}')
        kwargs = {}
        if self.time_arg is not None:
            kwargs[self.time_arg] = t
        elif abs(t - 0.5) > 1e-6:
            raise ValueError(
                f'{type(self.backbone).__name__} only interpolates the midpoint, asked for '
                f't={t}: use times=(0.5,), or a network taking t (time_arg)')
        n, _, c, h, w = pair.shape
        padded = pad_to_multiple(pair.clone(), self.size_divisor, self.centre_pad)
        out = self.backbone(padded, **kwargs)
        if out.dim() == 5:
            out = out.squeeze(1)
        out = self._check_output(out, (n, c, *padded.shape[-2:]))
        return crop_padding(out, (h, w), self.size_divisor, self.centre_pad)
