"""BT.601 RGB <-> YCbCr of image tensors in [0, 1] (MATLAB ``rgb2ycbcr``, 16-235 luma range)."""
import torch

# Rows: Y, Cb, Cr as functions of R, G, B in [0, 1], and the offsets, all divided by 255.
_RGB_TO_YCBCR = torch.tensor([[65.481, 128.553, 24.966], [-37.797, -74.203, 112.0],
                              [112.0, -93.786, -18.214]]) / 255.
_YCBCR_TO_RGB = torch.linalg.inv(_RGB_TO_YCBCR.double()).float()
_YCBCR_OFFSET = torch.tensor([16., 128., 128.]) / 255.


def rgb_to_ycbcr(x: torch.Tensor) -> torch.Tensor:
    """``(N, 3, H, W)`` RGB in [0, 1] -> YCbCr in [0, 1] (Y in [16, 235] / 255)."""
    matrix = _RGB_TO_YCBCR.to(x)
    return torch.einsum('oc,nchw->nohw', matrix, x) + _YCBCR_OFFSET.to(x).view(1, 3, 1, 1)


def ycbcr_to_rgb(x: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`rgb_to_ycbcr`: ``(N, 3, H, W)`` YCbCr -> RGB (not clipped)."""
    matrix = _YCBCR_TO_RGB.to(x)
    return torch.einsum('oc,nchw->nohw', matrix, x - _YCBCR_OFFSET.to(x).view(1, 3, 1, 1))
