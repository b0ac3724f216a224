"""Modulated deformable convolution (DCNv2) computed with torchvision's operator."""
import torch
from mmagic.models.editors.edvr.edvr_net import ModulatedDCNPack as _MMagicModulatedDCNPack
from torchvision.ops import deform_conv2d

from mmstvsr.utils.fast_path import fp32_region

# torchvision has no bf16 CPU kernel ("deformable_im2col" not implemented for 'BFloat16'), and its
# CUDA autocast runs the op in float32 too: under autocast it runs in float32, cast back.
_deform_conv2d = fp32_region(deform_conv2d)


class ModulatedDCNPack(_MMagicModulatedDCNPack):
    """MMagic's EDVR ``ModulatedDCNPack`` (offsets and mask from another feature) through
    :func:`torchvision.ops.deform_conv2d`.

    Same parameters, initialisation and offset layout as MMagic's (and as the DCNv2 ``DCN_sep``
    of the STINet authors: ``conv_offset`` gives ``o1, o2, mask``, offsets ``cat(o1, o2)``, mask
    through a sigmoid). Where we depart from MMagic: the operator. mmcv's CPU kernel takes the
    floor of the sampling positions in float32 even for float64 inputs, so a position within
    about 1e-7 of an integer picks the wrong neighbours (measured: an output off by 0.02 where
    the exact value is 0.004, on STINet's golden input); torchvision's gives the exact bilinear
    sampling in float64, the same results in float32 (equal to mmcv's bit for bit on random
    inputs), about the same speed, and needs no compiled mmcv op.

    Args:
        *args, **kwargs: As MMagic's ``ModulatedDCNPack`` (``in_channels, out_channels,
            kernel_size, stride, padding, dilation, groups, deform_groups, bias``).
    """

    def forward(self, x: torch.Tensor, extra_feat: torch.Tensor) -> torch.Tensor:
        """Deformable convolution of ``x`` ``(N, C_in, H, W)`` with offsets and mask predicted
        from ``extra_feat`` ``(N, C_in, H, W)``; returns ``(N, C_out, H', W')``."""
        o1, o2, mask = torch.chunk(self.conv_offset(extra_feat), 3, dim=1)
        return _deform_conv2d(x, torch.cat((o1, o2), dim=1), self.weight, self.bias,
                              stride=self.stride, padding=self.padding, dilation=self.dilation,
                              mask=torch.sigmoid(mask))
