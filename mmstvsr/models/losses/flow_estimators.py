"""Differentiable optical flow estimators for flow-based losses.

Both estimators take two batches of RGB frames ``(N, 3, H, W)`` in [0, 1] and return the flow from
the first to the second, ``(N, 2, H, W)`` in pixels, channel 0 the x displacement ``u`` and channel
1 the y displacement ``v``, with ``prev[y, x] ~ nxt[y + v, x + u]``: the convention of
:func:`mmstvsr.utils.flow.farneback_flow` and of :func:`mmagic.models.utils.flow_warp`
(``flow_warp(nxt, flow)`` is aligned with ``prev``). Gradients flow to both frames.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmagic.models.editors.basicvsr.basicvsr_net import SPyNet
from mmagic.models.utils import flow_warp
from mmagic.registry import MODELS

from .frozen_network import FrozenPretrainedNet

#: BT.601 luma weights of R, G, B.
_LUMA = (0.299, 0.587, 0.114)
#: 5-tap binomial low-pass filter applied before each 2x decimation of the pyramid.
_BINOMIAL = (1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16)
#: Central difference, the spatial derivative of an image.
_CENTRAL_DIFF = (-0.5, 0.0, 0.5)
#: Smallest side, in pixels, of a pyramid level of HornSchunckFlow.
_MIN_LEVEL_SIZE = 8


def _filter_1d(x: torch.Tensor, taps: Sequence[float], dim: int) -> torch.Tensor:
    """Correlate ``x`` with an odd-length kernel along width or height, replicating the border.

    Args:
        x (Tensor): ``(N, C, H, W)``.
        taps (Sequence[float]): Kernel, centred on its middle tap.
        dim (int): -1 to filter along the width, -2 along the height.

    Returns:
        Tensor: ``(N, C, H, W)``.
    """
    radius = len(taps) // 2
    pad = (radius, radius, 0, 0) if dim == -1 else (0, 0, radius, radius)
    padded = F.pad(x, pad, mode='replicate')
    size = x.shape[dim]
    return sum(w * padded.narrow(dim, k, size) for k, w in enumerate(taps) if w != 0)


def _luma(rgb: torch.Tensor) -> torch.Tensor:
    """BT.601 luma ``(N, 1, H, W)`` of RGB frames ``(N, 3, H, W)``."""
    return sum(w * rgb[:, c:c + 1] for c, w in enumerate(_LUMA))


def _pyramid_down(x: torch.Tensor) -> torch.Tensor:
    """Binomial blur then 2x decimation: ``(N, C, H, W) -> (N, C, ceil(H/2), ceil(W/2))``."""
    blurred = _filter_1d(_filter_1d(x, _BINOMIAL, -1), _BINOMIAL, -2)
    return blurred[..., ::2, ::2]


def _resize_flow(flow: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    """Bilinearly resize a flow ``(N, 2, h, w)`` to ``size`` and rescale its vectors to match."""
    h, w = flow.shape[-2:]
    if (h, w) == tuple(size):
        return flow
    resized = F.interpolate(flow, size=size, mode='bilinear', align_corners=False)
    scale = flow.new_tensor([size[1] / w, size[0] / h]).view(1, 2, 1, 1)
    return resized * scale


def _neighbour_average(flow: torch.Tensor) -> torch.Tensor:
    """Horn-Schunck's local flow average: weights 1/6 (edge neighbours), 1/12 (corners), 0 (centre).

    The 3x3 kernel equals ``(b b^T - 4 delta) / 12`` with ``b = (1, 2, 1)``, computed separably.

    Args:
        flow (Tensor): ``(N, 2, H, W)``.

    Returns:
        Tensor: ``(N, 2, H, W)``.
    """
    box = _filter_1d(_filter_1d(flow, (1, 2, 1), -1), (1, 2, 1), -2)
    return (box - 4 * flow) / 12


@MODELS.register_module()
class HornSchunckFlow(nn.Module):
    r"""Coarse-to-fine Horn-Schunck optical flow, unrolled in PyTorch (no learned weights).

    Papers: Determining Optical Flow, Horn and Schunck, Artificial Intelligence 17, 1981; the
    robust data term: High Accuracy Optical Flow Estimation Based on a Theory for Warping, Brox
    et al., ECCV 2004.

    Frames are converted to BT.601 luma and decomposed into a pyramid (5-tap binomial blur, 2x
    decimation) of ``num_levels`` levels, fewer if the shorter side of a level would fall below
    8 pixels. From the coarsest level, with zero flow there, each level upsamples the flow of the
    coarser one (vectors rescaled), warps the second frame towards the first with it
    (:func:`mmagic.models.utils.flow_warp`, border padding), linearises brightness constancy
    around it and runs ``num_iters`` Jacobi iterations of Horn-Schunck:

    .. math::
        w^{k+1} = \bar{w}^k - \psi^k \nabla I \,
            \frac{\nabla I \cdot (\bar{w}^k - w^0) + I_t}{\alpha^2 + \psi^k |\nabla I|^2},
        \qquad
        \psi^k = \frac{\epsilon}{\sqrt{\left(\nabla I \cdot (w^k - w^0) + I_t\right)^2
            + \epsilon^2}},

    where ``w = (u, v)`` is the flow, ``w^0`` the upsampled flow the level starts from,
    ``\bar{w}`` the local average of the flow (:func:`_neighbour_average`), ``I_t`` the difference
    between the warped second frame and the first, and ``\nabla I`` the central-difference
    gradient of their mean. The smoothness term applies to the whole flow, not to the increment
    of the level. With ``psi = 1`` (``data_eps=None``) this is Horn and Schunck's iteration. With
    ``data_eps`` the data term is the robust Charbonnier penalty ``2 eps sqrt(r^2 + eps^2)`` of
    the linearised residual ``r`` instead of ``r^2``, minimised by reweighting (``psi`` is its
    weight at the current flow, 1 for small residuals): pixels that brightness constancy cannot
    explain (occlusions, a moving object entering) then stop pulling the flow to tens of pixels.
    Every step is differentiable, so gradients reach both frames.

    Intensities are luma in [0, 1], which sets the scale of ``alpha`` (larger: smoother flows)
    and of ``data_eps``. Each level recovers a pixel or two of its own size, so 5 levels (the
    coarsest at 1/16 of the size) reach displacements of about 16 to 30 pixels. With the
    defaults, a real textured 64x64 crop translated by a few pixels gives a median error below
    0.1 pixel.

    Args:
        alpha (float): Smoothness weight, relative to luma in [0, 1]. Default: 0.05.
        num_iters (int): Iterations per pyramid level. Default: 30.
        num_levels (int): Maximum number of pyramid levels, the first at full resolution.
            Default: 5.
        data_eps (float, optional): Charbonnier epsilon of the data term, in luma units; None for
            the quadratic data term of Horn and Schunck. Default: 0.01.
    """

    def __init__(self,
                 alpha: float = 0.05,
                 num_iters: int = 30,
                 num_levels: int = 5,
                 data_eps: Optional[float] = 0.01):
        super().__init__()
        if alpha <= 0 or num_iters < 1 or num_levels < 1 or (data_eps is not None
                                                             and data_eps <= 0):
            raise ValueError('HornSchunckFlow needs alpha > 0, num_iters >= 1, num_levels >= 1 '
                             f'and data_eps > 0 or None, got {alpha}, {num_iters}, {num_levels} '
                             f'and {data_eps}.')
        self.alpha = alpha
        self.num_iters = num_iters
        self.num_levels = num_levels
        self.data_eps = data_eps

    def forward(self, prev: torch.Tensor, nxt: torch.Tensor) -> torch.Tensor:
        """Flow from ``prev`` to ``nxt``.

        Args:
            prev (Tensor): First frames ``(N, 3, H, W)``, RGB in [0, 1].
            nxt (Tensor): Second frames ``(N, 3, H, W)``.

        Returns:
            Tensor: Flow ``(N, 2, H, W)`` in pixels, channels ``(u, v)``, with
            ``prev[y, x] ~ nxt[y + v, x + u]``.
        """
        _check_frames(prev, nxt)
        pyramid = [(_luma(prev), _luma(nxt))]
        while (len(pyramid) < self.num_levels
               and min(pyramid[-1][0].shape[-2:]) >= 2 * _MIN_LEVEL_SIZE):
            pyramid.append(tuple(_pyramid_down(x) for x in pyramid[-1]))
        coarsest = pyramid[-1][0]
        flow = coarsest.new_zeros(coarsest.shape[0], 2, *coarsest.shape[-2:])
        for prev_level, next_level in reversed(pyramid):
            flow = _resize_flow(flow, prev_level.shape[-2:])
            flow = self._refine(prev_level, next_level, flow)
        return flow

    def _refine(self, prev: torch.Tensor, nxt: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
        """Horn-Schunck iterations on one pyramid level, linearised around ``flow``.

        Args:
            prev (Tensor): First luma ``(N, 1, h, w)``.
            nxt (Tensor): Second luma ``(N, 1, h, w)``.
            flow (Tensor): Initial flow ``w^0`` ``(N, 2, h, w)``.

        Returns:
            Tensor: Refined flow ``(N, 2, h, w)``.
        """
        warped = flow_warp(nxt, flow.permute(0, 2, 3, 1), padding_mode='border')
        mean = 0.5 * (prev + warped)
        grad = torch.cat([_filter_1d(mean, _CENTRAL_DIFF, -1),
                          _filter_1d(mean, _CENTRAL_DIFF, -2)], dim=1)
        grad_sq = grad.pow(2).sum(1, keepdim=True)
        # I_t - grad . w^0: the linearised residual at w is offset + grad . w
        offset = warped - prev - (grad * flow).sum(1, keepdim=True)
        for _ in range(self.num_iters):
            average = _neighbour_average(flow)
            residual = (grad * average).sum(1, keepdim=True) + offset
            if self.data_eps is None:
                flow = average - grad * residual / (self.alpha**2 + grad_sq)
            else:
                current = (grad * flow).sum(1, keepdim=True) + offset
                weight = self.data_eps * torch.rsqrt(current.pow(2) + self.data_eps**2)
                flow = average - weight * grad * residual / (self.alpha**2 + weight * grad_sq)
        return flow


@MODELS.register_module()
class SPyNetFlow(FrozenPretrainedNet):
    """MMagic's SPyNet (the one of BasicVSR) as a frozen flow estimator.

    Paper: Optical Flow Estimation using a Spatial Pyramid Network, CVPR, 2017.

    SPyNet takes RGB in [0, 1] (it normalises with the ImageNet mean and std itself) and its
    ``spynet(ref, supp)`` is the flow from ``ref`` to ``supp`` with
    ``ref[y, x] ~ supp[y + v, x + u]`` (BasicVSR warps ``supp`` with it), so ``forward(prev, nxt)``
    is ``spynet(prev, nxt)``, the convention of :class:`HornSchunckFlow`. Sizes that are not
    multiples of 32 are bilinearly resized to the next multiple inside SPyNet and the flow is
    resized and rescaled back, as in BasicVSR.

    SPyNet weights cannot be downloaded here: give the file as ``pretrained`` (e.g. BasicVSR's
    ``spynet_20210409-c6c1bd09.pth``, a state dict or a checkpoint with a ``state_dict``). It is
    read by :meth:`init_weights` (which MMEngine's Runner calls before training), not when the
    estimator is built. The parameters are frozen and the network stays in eval mode; gradients
    still flow to the frames. Whether weights were loaded is the ``weights_loaded`` buffer, saved
    in checkpoints with the weights themselves.

    Args:
        pretrained (str, optional): Path of the SPyNet weights. Default: None (forward raises).
        init_cfg (dict, optional): MMEngine initialisation config, applied before ``pretrained``
            is loaded. Default: None.
    """

    weights_name = 'SPyNet weights'
    config_example = "flow_estimator=dict(type='SPyNetFlow', pretrained='path/to/spynet.pth')"

    def __init__(self, pretrained: Optional[str] = None, init_cfg: Optional[dict] = None):
        super().__init__(pretrained, init_cfg)
        self.spynet = self.freeze(SPyNet(pretrained=None))

    def load_weights(self, state_dict: dict) -> None:
        """Load SPyNet weights (a state dict, or a checkpoint holding one in ``state_dict``)."""
        state_dict = state_dict.get('state_dict', state_dict)
        # SPyNet's ImageNet mean / std buffers are constants that weight files may leave out
        missing, unexpected = self.spynet.load_state_dict(state_dict, strict=False)
        if set(missing) - {'mean', 'std'} or unexpected:
            raise RuntimeError(f'SPyNetFlow: {self.pretrained} is not a SPyNet state dict: '
                               f'missing keys {missing}, unexpected keys {unexpected}.')

    def forward(self, prev: torch.Tensor, nxt: torch.Tensor) -> torch.Tensor:
        """Flow from ``prev`` to ``nxt``.

        Args:
            prev (Tensor): First frames ``(N, 3, H, W)``, RGB in [0, 1].
            nxt (Tensor): Second frames ``(N, 3, H, W)``.

        Returns:
            Tensor: Flow ``(N, 2, H, W)`` in pixels, channels ``(u, v)``, with
            ``prev[y, x] ~ nxt[y + v, x + u]``.
        """
        self.check_weights_loaded()
        _check_frames(prev, nxt)
        return self.spynet(prev, nxt)


def _check_frames(prev: torch.Tensor, nxt: torch.Tensor) -> None:
    """Raise ValueError unless both frames are RGB batches ``(N, 3, H, W)`` of one shape."""
    if prev.dim() != 4 or prev.shape[1] != 3 or prev.shape != nxt.shape:
        raise ValueError('flow estimators take two RGB batches (N, 3, H, W) of the same shape, '
                         f'got {tuple(prev.shape)} and {tuple(nxt.shape)}.')
