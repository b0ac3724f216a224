"""The fusion module F of the Dual-Stream Fusion Network (Sec. 3.2)."""
from typing import Dict

import torch
import torch.nn as nn
from mmagic.registry import MODELS

from mmstvsr.models.archs import SuperSloMoUNet


@MODELS.register_module()
class FusionModule(nn.Module):
    """Blend the two streams with masks predicted by a U-Net, Eq. 9.

    ``H_F = M_S->T * H_S->T + M_T->S * H_T->S``. The U-Net
    (:class:`~mmstvsr.models.archs.SuperSloMoUNet` without stem and output activations, 5 down /
    5 up levels with skips, as the authors' code) sees ``cat(H_T->S, H_S->T)`` and predicts,
    through a sigmoid, two independent masks in [0, 1] (``two_mask=True``, the paper's choice) or
    one, ``M_T->S``, with ``M_S->T = 1 - M_T->S``.

    Args:
        two_mask (bool): Two independent masks instead of one. Default: True.
        base_channels (int): Stem channels of the U-Net. Default: 32.
        num_levels (int): Down/up levels of the U-Net. Default: 5.
        centre_pad (bool): The U-Net pads its input to a multiple of ``2**num_levels`` centred,
            as the authors' code, instead of at the bottom right. Default: False.
    """

    def __init__(self,
                 two_mask: bool = True,
                 base_channels: int = 32,
                 num_levels: int = 5,
                 centre_pad: bool = False):
        super().__init__()
        self.two_mask = two_mask
        self.unet = SuperSloMoUNet(6, 2 if two_mask else 1, base_channels, num_levels,
                                   stem_act=False, out_act=False, centre_pad=centre_pad)

    def forward(self, hr_st: torch.Tensor, hr_ts: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Fuse.

        Args:
            hr_st (Tensor): ``H_S->T`` ``(N, 3, H, W)``.
            hr_ts (Tensor): ``H_T->S`` ``(N, 3, H, W)``.

        Returns:
            dict: ``hr_fused`` ``(N, 3, H, W)``, ``mask_st`` and ``mask_ts`` ``(N, 1, H, W)``.
        """
        masks = torch.sigmoid(self.unet(torch.cat([hr_ts, hr_st], dim=1)))
        mask_ts = masks[:, :1]
        mask_st = masks[:, 1:] if self.two_mask else 1 - mask_ts
        return dict(hr_fused=mask_st * hr_st + mask_ts * hr_ts, mask_st=mask_st, mask_ts=mask_ts)
