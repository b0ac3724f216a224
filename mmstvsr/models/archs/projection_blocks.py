"""Building blocks of the back-projection networks (DBPN, RBPN) that STINet and STARnet build on.

The layer structure and parameter counts equal those of the authors' blocks, so their checkpoints
load after a renaming of keys; the parameter names are ours. Every convolution is biased and starts
from the authors' initialisation: Kaiming-normal weights (fan-in, ReLU gain) and zero biases.

Back-projection (Haris et al., "Deep Back-Projection Networks for Super-Resolution", CVPR 2018)
alternates up-projection units, which map an LR feature ``(B, C, h, w)`` to an HR feature
``(B, C, s*h, s*w)``, and down-projection units, which map back; each unit projects once, measures
the error of the projection by projecting back, and corrects itself with that error.
"""
from functools import partial
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {
    'prelu': nn.PReLU,
    'lrelu': partial(nn.LeakyReLU, 0.1, inplace=True),
    'relu': partial(nn.ReLU, inplace=True),
}

# Kernel size, stride and padding of the projection (de)convolutions of DBPN for each scale.
PROJECTION_KERNELS = {2: (6, 2, 2), 4: (8, 4, 2), 8: (12, 8, 2)}


def projection_kernel(scale: int) -> Tuple[int, int, int]:
    """Kernel size, stride and padding of DBPN's projection layers for an upsampling factor.

    Args:
        scale (int): Upsampling factor: 2, 4 or 8.

    Returns:
        tuple[int]: ``(kernel_size, stride, padding)``, e.g. ``(8, 4, 2)`` for x4.
    """
    if scale not in PROJECTION_KERNELS:
        raise ValueError(f'Back-projection supports scales {sorted(PROJECTION_KERNELS)}, '
                         f'got {scale}.')
    return PROJECTION_KERNELS[scale]


def build_activation(act_type: Optional[str]) -> nn.Module:
    """Build an activation of these papers.

    Args:
        act_type (str | None): ``'prelu'`` (one learned slope, initialised to 0.25),
            ``'lrelu'`` (LeakyReLU, slope 0.1), ``'relu'`` or None (identity).

    Returns:
        nn.Module: The activation.
    """
    if act_type is None:
        return nn.Identity()
    if act_type not in ACTIVATIONS:
        raise ValueError(f'act_type must be one of {sorted(ACTIVATIONS)} or None, '
                         f'got {act_type!r}.')
    return ACTIVATIONS[act_type]()


def activate(act: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``act(x)`` for a freshly computed ``x`` that nobody else holds (a layer's output).

    A one-slope PReLU on the CPU without autograd runs as an in-place leaky ReLU of that slope:
    the same values bit for bit, no new tensor (the tiny dense DBPN of the default model: about
    1.25x faster on 2 AVX-512 cores, 4 frames of 96x64). Otherwise ``act(x)``.
    """
    if (type(act) is nn.PReLU and act.num_parameters == 1 and x.device.type == 'cpu'
            and not (torch.is_grad_enabled() and (x.requires_grad or act.weight.requires_grad))):
        return F.leaky_relu_(x, float(act.weight))
    return act(x)


def kaiming_init(layer: nn.Module) -> None:
    """Kaiming-normal weight (fan-in, ReLU gain) and zero bias, as the authors initialise."""
    nn.init.kaiming_normal_(layer.weight)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


class ConvBlock(nn.Module):
    """Convolution followed by an activation.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int): Kernel size. Default: 3.
        stride (int): Stride. Default: 1.
        padding (int): Zero padding. Default: 1.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 stride: int = 1,
                 padding: int = 1,
                 act_type: Optional[str] = 'prelu'):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)
        self.act = build_activation(act_type)
        kaiming_init(self.conv)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): ``(B, in_channels, H, W)``.

        Returns:
            Tensor: ``(B, out_channels, H', W')``.
        """
        return activate(self.act, self.conv(x))


class DeconvBlock(nn.Module):
    """Transposed convolution followed by an activation.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int): Kernel size.
        stride (int): Stride (the upsampling factor).
        padding (int): Padding.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int,
                 stride: int,
                 padding: int,
                 act_type: Optional[str] = 'prelu'):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding)
        self.act = build_activation(act_type)
        kaiming_init(self.deconv)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): ``(B, in_channels, h, w)``.

        Returns:
            Tensor: ``(B, out_channels, H, W)``, ``H = stride * h`` for DBPN's kernels.
        """
        return activate(self.act, self.deconv(x))


class ResBlock(nn.Module):
    """Residual block without normalisation: ``act(conv2(act(conv1(x))) + x)``.

    Both activations are the same module, so a PReLU block has one learned slope. 3x3
    convolutions. The defaults are the blocks of DBPN, RBPN, STARnet and STINet (biases,
    Kaiming-normal init); ``bias=False, kaiming=False`` is the ``BasicBlock`` of the DSFN
    authors' refinement network (no biases, PyTorch's default init).

    Args:
        channels (int): Input and output channels.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
        bias (bool): Convolutions with biases. Default: True.
        kaiming (bool): Kaiming-normal init (:func:`kaiming_init`) instead of PyTorch's default.
            Default: True.
    """

    def __init__(self,
                 channels: int,
                 act_type: Optional[str] = 'prelu',
                 bias: bool = True,
                 kaiming: bool = True):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1, bias=bias)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=bias)
        self.act = build_activation(act_type)
        if kaiming:
            kaiming_init(self.conv1)
            kaiming_init(self.conv2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): ``(B, C, H, W)``.

        Returns:
            Tensor: ``(B, C, H, W)``.
        """
        return activate(self.act, self.conv2(activate(self.act, self.conv1(x))) + x)


class UpProjection(nn.Module):
    """Up-projection unit of DBPN.

    From an LR feature ``L``: ``H0 = scale_up(L)``, ``L0 = scale_down(H0)``,
    ``H1 = residual_up(L0 - L)``; the output is ``H0 + H1``. Each of the three layers is a
    (transposed) convolution followed by the activation.

    Args:
        channels (int): Feature channels, the same at LR and HR.
        kernel_size (int): Kernel size of the projections. Default: 8.
        stride (int): Stride of the projections, the upsampling factor. Default: 4.
        padding (int): Padding of the projections. Default: 2.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
    """

    def __init__(self,
                 channels: int,
                 kernel_size: int = 8,
                 stride: int = 4,
                 padding: int = 2,
                 act_type: Optional[str] = 'prelu'):
        super().__init__()
        kernel = (kernel_size, stride, padding)
        self.scale_up = DeconvBlock(channels, channels, *kernel, act_type=act_type)
        self.scale_down = ConvBlock(channels, channels, *kernel, act_type=act_type)
        self.residual_up = DeconvBlock(channels, channels, *kernel, act_type=act_type)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): LR feature ``(B, C, h, w)``.

        Returns:
            Tensor: HR feature ``(B, C, stride*h, stride*w)``.
        """
        hr = self.scale_up(x)
        if torch.is_grad_enabled():
            return hr + self.residual_up(self.scale_down(hr) - x)
        return self.residual_up(self.scale_down(hr).sub_(x)).add_(hr)  # fresh outputs, in place


class DownProjection(nn.Module):
    """Down-projection unit of DBPN.

    From an HR feature ``H``: ``L0 = scale_down(H)``, ``H0 = scale_up(L0)``,
    ``L1 = residual_down(H0 - H)``; the output is ``L0 + L1``. Each of the three layers is a
    (transposed) convolution followed by the activation.

    Args:
        channels (int): Feature channels, the same at LR and HR.
        kernel_size (int): Kernel size of the projections. Default: 8.
        stride (int): Stride of the projections, the downsampling factor. Default: 4.
        padding (int): Padding of the projections. Default: 2.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
    """

    def __init__(self,
                 channels: int,
                 kernel_size: int = 8,
                 stride: int = 4,
                 padding: int = 2,
                 act_type: Optional[str] = 'prelu'):
        super().__init__()
        kernel = (kernel_size, stride, padding)
        self.scale_down = ConvBlock(channels, channels, *kernel, act_type=act_type)
        self.scale_up = DeconvBlock(channels, channels, *kernel, act_type=act_type)
        self.residual_down = ConvBlock(channels, channels, *kernel, act_type=act_type)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): HR feature ``(B, C, stride*h, stride*w)``.

        Returns:
            Tensor: LR feature ``(B, C, h, w)``.
        """
        lr = self.scale_down(x)
        if torch.is_grad_enabled():
            return lr + self.residual_down(self.scale_up(lr) - x)
        return self.residual_down(self.scale_up(lr).sub_(x)).add_(lr)  # fresh outputs, in place


class DenseUpProjection(UpProjection):
    """Dense up-projection unit of D-DBPN.

    The concatenated LR features of all previous stages are first squeezed to ``channels`` by a 1x1
    convolution with the activation (``squeeze``), then up-projected as in :class:`UpProjection`.

    The authors' ``D_UpBlock`` passes its activation into the ``bias`` slot of the squeeze, which
    therefore is biased and always PReLU; with ``act_type='prelu'`` (all of DBPN) this block has
    exactly that structure.

    Args:
        channels (int): Feature channels of one stage.
        num_inputs (int): Number of concatenated stage features.
        kernel_size (int): Kernel size of the projections. Default: 8.
        stride (int): Stride of the projections, the upsampling factor. Default: 4.
        padding (int): Padding of the projections. Default: 2.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
    """

    def __init__(self,
                 channels: int,
                 num_inputs: int,
                 kernel_size: int = 8,
                 stride: int = 4,
                 padding: int = 2,
                 act_type: Optional[str] = 'prelu'):
        super().__init__(channels, kernel_size, stride, padding, act_type)
        self.squeeze = ConvBlock(num_inputs * channels, channels, 1, 1, 0, act_type=act_type)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): Concatenated LR features ``(B, num_inputs*C, h, w)``.

        Returns:
            Tensor: HR feature ``(B, C, stride*h, stride*w)``.
        """
        return super().forward(self.squeeze(x))


class DenseDownProjection(DownProjection):
    """Dense down-projection unit of D-DBPN.

    The concatenated HR features of all previous stages are first squeezed to ``channels`` by a 1x1
    convolution with the activation (``squeeze``), then down-projected as in
    :class:`DownProjection`.

    Args:
        channels (int): Feature channels of one stage.
        num_inputs (int): Number of concatenated stage features.
        kernel_size (int): Kernel size of the projections. Default: 8.
        stride (int): Stride of the projections, the downsampling factor. Default: 4.
        padding (int): Padding of the projections. Default: 2.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
    """

    def __init__(self,
                 channels: int,
                 num_inputs: int,
                 kernel_size: int = 8,
                 stride: int = 4,
                 padding: int = 2,
                 act_type: Optional[str] = 'prelu'):
        super().__init__(channels, kernel_size, stride, padding, act_type)
        self.squeeze = ConvBlock(num_inputs * channels, channels, 1, 1, 0, act_type=act_type)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): Concatenated HR features ``(B, num_inputs*C, stride*h, stride*w)``.

        Returns:
            Tensor: LR feature ``(B, C, h, w)``.
        """
        return super().forward(self.squeeze(x))


class ResidualStack(nn.Sequential):
    """``num_blocks`` :class:`ResBlock` s, then one (transposed) convolution with the activation.

    The layout of RBPN's three residual branches and of STARnet's NetD, NetM, NetST, NetF, NetB
    and its LR T-SR path: e.g. x4 NetD is ``ResidualStack(64, 128, 2, (8, 4, 2), 'lrelu')`` and
    NetST ``ResidualStack(320, 64, 5, (8, 4, 2), 'lrelu', transposed=True)``.

    Args:
        in_channels (int): Channels of the residual blocks and of the input.
        out_channels (int): Output channels.
        num_blocks (int): Residual blocks.
        kernel (tuple[int]): ``(kernel_size, stride, padding)`` of the last layer.
            Default: ``(3, 1, 1)``.
        act_type (str | None): Activation, see :func:`build_activation`. Default: 'prelu'.
        transposed (bool): The last layer is a transposed convolution (upsampling).
            Default: False.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_blocks: int,
                 kernel: Tuple[int, int, int] = (3, 1, 1),
                 act_type: Optional[str] = 'prelu',
                 transposed: bool = False):
        last = DeconvBlock if transposed else ConvBlock
        super().__init__(*[ResBlock(in_channels, act_type) for _ in range(num_blocks)],
                         last(in_channels, out_channels, *kernel, act_type=act_type))


def scale_residual_branches(module: nn.Module, scale: float) -> None:
    """Multiply the last convolution of every :class:`ResBlock` in ``module`` by ``scale``.

    The residual-branch scaling of MMagic's ``ResidualBlockNoBN`` (0.1): with the authors'
    initialisation alone, deep stacks of these blocks start with outputs far from the image range.

    Args:
        module (nn.Module): Network to rescale, in place.
        scale (float): Factor of the weights and biases of each block's ``conv2``.
    """
    for block in module.modules():
        if isinstance(block, ResBlock):
            block.conv2.weight.data.mul_(scale)
            block.conv2.bias.data.mul_(scale)
