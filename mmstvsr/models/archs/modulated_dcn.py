"""Modulated deformable convolution (DCNv2): bilinear sampling and one matrix product on the CPU,
torchvision's operator elsewhere."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmagic.models.editors.edvr.edvr_net import ModulatedDCNPack as _MMagicModulatedDCNPack
from torchvision.ops import deform_conv2d as _torchvision_deform_conv2d

from mmstvsr.utils.fast_path import fp32_region


def _kernel_grid(offset: torch.Tensor, size: Tuple[int, int], kernel: Tuple[int, int], stride,
                 padding, dilation) -> torch.Tensor:
    """The sampling positions of every kernel tap, as ``grid_sample`` grids.

    Args:
        offset (Tensor): ``(N, 2 * G * K, H', W')``, for each deformable group ``g`` and kernel
            tap ``k`` (row-major over ``kh x kw``) the pair ``(dy, dx)`` at channels
            ``2 * (g * K + k)`` and ``+ 1`` (torchvision's and mmcv's layout).
        size (tuple[int]): ``(H, W)`` of the sampled input.
        kernel, stride, padding, dilation (tuple[int]): The convolution's, as ``(y, x)`` pairs.

    Returns:
        Tensor: ``(N * G, K * H', W', 2)`` positions ``(x, y)`` normalised for
        ``align_corners=True`` (pixel centre ``p`` at ``-1 + 2 p / (size - 1)``).
    """
    n, channels, out_h, out_w = offset.shape
    taps = kernel[0] * kernel[1]
    groups = channels // (2 * taps)
    offset = offset.view(n, groups, taps, 2, out_h, out_w)
    arange = dict(dtype=offset.dtype, device=offset.device)
    rows = torch.arange(out_h, **arange) * stride[0] - padding[0]
    cols = torch.arange(out_w, **arange) * stride[1] - padding[1]
    tap_y = (torch.arange(kernel[0], **arange) * dilation[0]).repeat_interleave(kernel[1])
    tap_x = (torch.arange(kernel[1], **arange) * dilation[1]).repeat(kernel[0])
    y = rows.view(1, 1, 1, out_h, 1) + tap_y.view(1, 1, taps, 1, 1) + offset[:, :, :, 0]
    x = cols.view(1, 1, 1, 1, out_w) + tap_x.view(1, 1, taps, 1, 1) + offset[:, :, :, 1]
    grid = torch.stack((x * (2 / (size[1] - 1)) - 1, y * (2 / (size[0] - 1)) - 1), dim=-1)
    return grid.view(n * groups, taps * out_h, out_w, 2)


def sampled_deform_conv2d(x: torch.Tensor, offset: torch.Tensor, weight: torch.Tensor,
                          bias: Optional[torch.Tensor], stride=(1, 1), padding=(0, 0),
                          dilation=(1, 1), mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    """DCNv2 (Zhu et al. 2019, Eq. 3: ``y(p) = sum_k w_k x(p + p_k + dp_k) m_k``) as one bilinear
    sampling of every tap (``F.grid_sample``, zero outside the input) and one matrix product.

    The same numbers as :func:`torchvision.ops.deform_conv2d` (to rounding: 1e-14 in float64,
    1e-5 in float32, ``tests/test_models/test_modulated_dcn.py``), 4-5 times faster than
    torchvision's im2col kernel on a CPU (measured on STINet's alignment: 4 x 64 x 36 x 44
    features, 8 deformable groups, 2 threads). One convolution
    group (``weight`` ``(C_out, C_in, kh, kw)``), inputs of at least 2x2.

    Args:
        x (Tensor): ``(N, C_in, H, W)``.
        offset (Tensor): ``(N, 2 * G * kh * kw, H', W')`` (see :func:`_kernel_grid`).
        weight (Tensor): ``(C_out, C_in, kh, kw)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride, padding, dilation (tuple[int]): ``(y, x)`` pairs.
        mask (Tensor, optional): ``(N, G * kh * kw, H', W')`` modulation. Default: None (ones).

    Returns:
        Tensor: ``(N, C_out, H', W')``.
    """
    n, channels, height, width = x.shape
    out_channels, _, kh, kw = weight.shape
    out_h, out_w = offset.shape[2:]
    grid = _kernel_grid(offset, (height, width), (kh, kw), stride, padding, dilation)
    groups = grid.shape[0] // n
    taps = kh * kw
    sampled = F.grid_sample(x.reshape(n * groups, channels // groups, height, width), grid,
                            mode='bilinear', padding_mode='zeros', align_corners=True)
    sampled = sampled.view(n, groups, channels // groups, taps, out_h, out_w)
    if mask is not None:
        sampled = sampled * mask.view(n, groups, 1, taps, out_h, out_w)
    out = torch.matmul(weight.reshape(out_channels, channels * taps),
                       sampled.reshape(n, channels * taps, out_h * out_w))
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, out_channels, out_h, out_w)


@fp32_region  # neither operator has a bf16 CPU kernel; positions need float32 anyway
def deform_conv2d(x: torch.Tensor, offset: torch.Tensor, weight: torch.Tensor,
                  bias: Optional[torch.Tensor], stride=(1, 1), padding=(0, 0), dilation=(1, 1),
                  mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Modulated deformable convolution, as :func:`torchvision.ops.deform_conv2d` (same
    arguments, ``(y, x)`` pairs), in float32 (or float64) under autocast: on a CPU through
    :func:`sampled_deform_conv2d`, on other devices (CUDA: no compiled mmcv op needed), for
    1-pixel-wide inputs and while traced (``tools/analysis/model_complexity.py`` counts the FLOPs
    of torchvision's operator) through torchvision's operator."""
    if (x.device.type == 'cpu' and min(x.shape[2:]) > 1 and weight.shape[1] == x.shape[1]
            and not torch.jit.is_tracing()):
        return sampled_deform_conv2d(x, offset, weight, bias, stride, padding, dilation, mask)
    return _torchvision_deform_conv2d(x, offset, weight, bias, stride=stride, padding=padding,
                                      dilation=dilation, mask=mask)


class ModulatedDCNPack(_MMagicModulatedDCNPack):
    """MMagic's EDVR ``ModulatedDCNPack`` (offsets and mask from another feature) through
    :func:`deform_conv2d`.

    Same parameters, initialisation and offset layout as MMagic's (and as the DCNv2 ``DCN_sep``
    of the STINet authors: ``conv_offset`` gives ``o1, o2, mask``, offsets ``cat(o1, o2)``, mask
    through a sigmoid). Where we depart from MMagic: the operator. mmcv's CPU kernel takes the
    floor of the sampling positions in float32 even for float64 inputs, so a position within
    about 1e-7 of an integer picks the wrong neighbours (measured: an output off by 0.02 where
    the exact value is 0.004, on STINet's golden input); ours samples exactly in float64, gives
    mmcv's results in float32 (to 1e-5, tested), is several times faster on a CPU, and needs no
    compiled mmcv op (on CUDA it is torchvision's). Under bf16/fp16 autocast it runs in float32.

    Args:
        *args, **kwargs: As MMagic's ``ModulatedDCNPack`` (``in_channels, out_channels,
            kernel_size, stride, padding, dilation, groups, deform_groups, bias``).
    """

    def forward(self, x: torch.Tensor, extra_feat: torch.Tensor) -> torch.Tensor:
        """Deformable convolution of ``x`` ``(N, C_in, H, W)`` with offsets and mask predicted
        from ``extra_feat`` ``(N, C_in, H, W)``; returns ``(N, C_out, H', W')``."""
        o1, o2, mask = torch.chunk(self.conv_offset(extra_feat), 3, dim=1)
        return deform_conv2d(x, torch.cat((o1, o2), dim=1), self.weight, self.bias,
                             stride=self.stride, padding=self.padding, dilation=self.dilation,
                             mask=torch.sigmoid(mask))
