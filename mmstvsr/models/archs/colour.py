"""BT.601 RGB <-> YCbCr of image tensors in [0, 1] (MATLAB ``rgb2ycbcr``, 16-235 luma range)."""
import torch

from mmstvsr.utils.colour import BT601_OFFSETS, BT601_RGB_TO_YCBCR

# Rows: Y, Cb, Cr as functions of R, G, B in [0, 1], and the offsets, all divided by 255.
_RGB_TO_YCBCR = torch.tensor(BT601_RGB_TO_YCBCR) / 255.
_YCBCR_TO_RGB = torch.linalg.inv(_RGB_TO_YCBCR.double()).float()
_YCBCR_OFFSET = torch.tensor(BT601_OFFSETS) / 255.
# The DSFN authors' inverse (their ESPCN's ``Ycbcr2Rgb``): MATLAB ``ycbcr2rgb``'s coefficients
# per 255 rounded to 8 decimals and its offsets to 3; it differs from the exact inverse by up to
# 3e-6 (in [0, 1] units). As a matrix on YCbCr in [0, 1] and an offset added after it.
_YCBCR_TO_RGB_AUTHORS = torch.tensor(
    [[0.00456621, 0., 0.00625893], [0.00456621, -0.00153632, -0.00318811],
     [0.00456621, 0.00791071, 0.]], dtype=torch.float64) * 255.
_YCBCR_TO_RGB_AUTHORS_OFFSET = torch.tensor([-222.921, 135.576, -276.836],
                                            dtype=torch.float64) / 255.
YCBCR_INVERSES = ('exact', 'authors')


def rgb_to_ycbcr(x: torch.Tensor) -> torch.Tensor:
    """``(N, 3, H, W)`` RGB in [0, 1] -> YCbCr in [0, 1] (Y in [16, 235] / 255)."""
    matrix = _RGB_TO_YCBCR.to(x)
    return torch.einsum('oc,nchw->nohw', matrix, x) + _YCBCR_OFFSET.to(x).view(1, 3, 1, 1)


def ycbcr_to_rgb(x: torch.Tensor, inverse: str = 'exact') -> torch.Tensor:
    """Inverse of :func:`rgb_to_ycbcr`: ``(N, 3, H, W)`` YCbCr -> RGB (not clipped).

    Args:
        x (Tensor): ``(N, 3, H, W)`` YCbCr in [0, 1].
        inverse (str): ``'exact'`` (the inverse matrix of :func:`rgb_to_ycbcr`) or
            ``'authors'`` (the rounded coefficients of the DSFN authors' ESPCN). Default: 'exact'.

    Returns:
        Tensor: ``(N, 3, H, W)`` RGB.
    """
    if inverse == 'authors':
        rgb = torch.einsum('oc,nchw->nohw', _YCBCR_TO_RGB_AUTHORS.to(x), x)
        return rgb + _YCBCR_TO_RGB_AUTHORS_OFFSET.to(x).view(1, 3, 1, 1)
    if inverse != 'exact':
        raise ValueError(f'inverse must be one of {YCBCR_INVERSES}, got {inverse!r}')
    matrix = _YCBCR_TO_RGB.to(x)
    return torch.einsum('oc,nchw->nohw', matrix, x - _YCBCR_OFFSET.to(x).view(1, 3, 1, 1))
