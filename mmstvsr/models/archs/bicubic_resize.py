"""MATLAB-compatible bicubic resizing of frame batches, as a module."""
import torch
import torch.nn as nn

from mmstvsr.utils.fast_path import fp32_region
from mmstvsr.utils.matlab_resize import resize_weights


class MATLABBicubicResize(nn.Module):
    """Resize tensors exactly as MATLAB's ``imresize(x, scale, 'bicubic')`` (up or down).

    Separable: one ``(out, in)`` weight matrix per axis (the same weights the data pipeline's
    :func:`~mmstvsr.utils.matlab_resize.imresize_matlab` uses), cached per input size and device.
    Differentiable and parameter-free.

    Args:
        scale (float): Resize factor (4 upsamples x4, 1 / 4 downsamples with antialiasing).
    """

    def __init__(self, scale: float):
        super().__init__()
        self.scale = float(scale)
        self._cache = {}

    def _weights(self, length: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
        key = (length, device, dtype)
        if key not in self._cache:
            weights = resize_weights(length, self.scale)
            self._cache[key] = torch.from_numpy(weights).to(device=device, dtype=dtype)
        return self._cache[key]

    @fp32_region
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Resize (in float32 under bf16/fp16 autocast, returned in ``x``'s dtype).

        Args:
            x (Tensor): ``(..., h, w)``.

        Returns:
            Tensor: ``(..., ceil(h*scale), ceil(w*scale))``.
        """
        w_h = self._weights(x.size(-2), x.device, x.dtype)
        w_w = self._weights(x.size(-1), x.device, x.dtype)
        return torch.einsum('oh,...hw,pw->...op', w_h, x, w_w)
