"""Backward warping of images by optical flow, with the sampling grids that STVSR code uses."""
import torch
import torch.nn.functional as F
from mmagic.models.utils import flow_warp

from mmstvsr.utils.fast_path import fp32_region

WARP_GRIDS = ('exact', 'authors')


@fp32_region
def backward_warp(img: torch.Tensor,
                  flow: torch.Tensor,
                  grid: str = 'exact',
                  padding_mode: str = 'border') -> torch.Tensor:
    """Sample ``img`` at ``p + flow(p)`` for every pixel ``p`` (bilinear), Super SloMo's ``g``.

    ``grid='exact'`` samples pixel ``x`` at exactly ``x + u`` (MMagic's
    :func:`~mmagic.models.utils.flow_warp`: the grid is normalised by ``W - 1`` and sampled with
    ``align_corners=True``), so a zero flow gives ``img`` back. ``grid='authors'`` is the grid of
    Super SloMo's public code (``backWarp``), which the DSFN authors use: normalised by ``W`` as
    ``2 (x + u) / W - 1`` under PyTorch 1.1's ``grid_sample`` (whose behaviour was
    ``align_corners=True``), i.e. it samples at ``(x + u) (W - 1) / W`` and ``(y + v) (H - 1) / H``:
    a zero flow shrinks the image towards its top-left pixel by one pixel over its size.

    Under bf16/fp16 autocast the warp runs in float32 (sampling positions in bf16 are off by up
    to a pixel on a 256-pixel-wide frame) and returns ``img``'s dtype
    (:func:`~mmstvsr.utils.fast_path.fp32_region`).

    Args:
        img (Tensor): ``(N, C, H, W)``.
        flow (Tensor): ``(N, 2, H, W)`` displacements ``(u, v)`` in pixels.
        grid (str): ``'exact'`` or ``'authors'``. Default: 'exact'.
        padding_mode (str): :func:`torch.nn.functional.grid_sample`'s for samples outside the
            image: ``'border'`` (default), ``'zeros'`` (Super SloMo's code) or ``'reflection'``.

    Returns:
        Tensor: ``(N, C, H, W)``.
    """
    if grid == 'exact':
        return flow_warp(img, flow.permute(0, 2, 3, 1), padding_mode=padding_mode)
    if grid != 'authors':
        raise ValueError(f'grid must be one of {WARP_GRIDS}, got {grid!r}')
    h, w = img.shape[-2:]
    grid_y, grid_x = torch.meshgrid(
        torch.arange(h, dtype=flow.dtype, device=flow.device),
        torch.arange(w, dtype=flow.dtype, device=flow.device),
        indexing='ij')
    norm_x = 2 * ((grid_x + flow[:, 0]) / w - 0.5)
    norm_y = 2 * ((grid_y + flow[:, 1]) / h - 0.5)
    return F.grid_sample(
        img,
        torch.stack([norm_x, norm_y], dim=3),
        mode='bilinear',
        padding_mode=padding_mode,
        align_corners=True)
