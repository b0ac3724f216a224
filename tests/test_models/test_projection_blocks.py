"""Back-projection building blocks: parameter counts of the authors' blocks, wiring, activations.

Parameter counts are those of the STINet / STARnet authors' ``base_networks.py`` (ConvBlock,
DeconvBlock, ResnetBlock, UpBlock, DownBlock, D_UpBlock, D_DownBlock, all biased, PReLU with one
parameter), written out layer by layer.
"""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmstvsr.models.archs import (ConvBlock, DeconvBlock, DenseDownProjection, DenseUpProjection,
                                  DownProjection, ResBlock, UpProjection, build_activation,
                                  projection_kernel)


def _num_params(module):
    return sum(p.numel() for p in module.parameters())


def _randomise(module):
    """Random weights, biases and PReLU slopes, so that every parameter shows in the output."""
    torch.manual_seed(0)
    with torch.no_grad():
        for param in module.parameters():
            param.uniform_(-0.5, 0.5)
    return module


# One x4 projection layer of DBPN with 64 channels.
PROJECTION_LAYER = (
    64 * 64 * 8 * 8  # (de)conv weight, 64 -> 64, 8x8
    + 64  # bias
    + 1)  # PReLU slope


def test_conv_block_params():
    assert _num_params(ConvBlock(3, 64)) == (
        3 * 64 * 3 * 3  # weight
        + 64  # bias
        + 1)  # PReLU
    assert _num_params(ConvBlock(320, 64, act_type=None)) == 320 * 64 * 3 * 3 + 64
    assert _num_params(ConvBlock(4, 32, act_type='lrelu')) == 4 * 32 * 3 * 3 + 32


def test_deconv_block_params():
    block = DeconvBlock(192, 64, 8, 4, 2, act_type='lrelu')
    assert _num_params(block) == 192 * 64 * 8 * 8 + 64  # weight + bias, LeakyReLU has none
    assert block.deconv.weight.shape == (192, 64, 8, 8)  # ConvTranspose2d: (in, out, k, k)


def test_res_block_params_and_shared_activation():
    assert _num_params(ResBlock(64)) == (
        2 * (64 * 64 * 3 * 3 + 64)  # conv1, conv2
        + 1)  # ONE PReLU, used after conv1 and after the addition
    assert _num_params(ResBlock(320, act_type='lrelu')) == 2 * (320 * 320 * 3 * 3 + 320)
    assert sum(isinstance(m, nn.PReLU) for m in ResBlock(8).modules()) == 1


def test_projection_unit_params():
    # UpBlock / DownBlock: three 8x8 projection layers with bias and PReLU each
    assert _num_params(UpProjection(64)) == 3 * PROJECTION_LAYER
    assert _num_params(DownProjection(64)) == 3 * PROJECTION_LAYER
    # D_UpBlock / D_DownBlock: a biased 1x1 ConvBlock with PReLU in front
    assert _num_params(DenseUpProjection(64, 4)) == (
        4 * 64 * 64 * 1 * 1 + 64 + 1  # squeeze: 256 -> 64, 1x1, bias, PReLU
        + 3 * PROJECTION_LAYER)
    assert _num_params(DenseDownProjection(64, 2)) == (
        2 * 64 * 64 * 1 * 1 + 64 + 1  # squeeze: 128 -> 64, 1x1, bias, PReLU
        + 3 * PROJECTION_LAYER)


@pytest.mark.parametrize('scale', [2, 4, 8])
def test_projection_shapes(scale):
    kernel = projection_kernel(scale)
    lr = torch.rand(2, 4, 3, 5)
    hr = torch.rand(2, 4, 3 * scale, 5 * scale)
    assert UpProjection(4, *kernel)(lr).shape == (2, 4, 3 * scale, 5 * scale)
    assert DownProjection(4, *kernel)(hr).shape == (2, 4, 3, 5)
    assert DenseUpProjection(4, 3, *kernel)(torch.cat([lr] * 3, 1)).shape == hr.shape
    assert DenseDownProjection(4, 2, *kernel)(torch.cat([hr] * 2, 1)).shape == lr.shape


def test_projection_kernel_table():
    assert projection_kernel(2) == (6, 2, 2)
    assert projection_kernel(4) == (8, 4, 2)
    assert projection_kernel(8) == (12, 8, 2)
    with pytest.raises(ValueError, match='scales'):
        projection_kernel(3)


def test_activations():
    x = torch.randn(1, 2, 4, 4)
    conv = _randomise(ConvBlock(2, 3, act_type=None))
    pre = F.conv2d(x, conv.conv.weight, conv.conv.bias, padding=1)
    assert torch.allclose(conv(x), pre)
    for act_type, expected in [('lrelu', F.leaky_relu(pre, 0.1)), ('relu', F.relu(pre))]:
        block = ConvBlock(2, 3, act_type=act_type)
        block.load_state_dict(conv.state_dict())
        assert torch.allclose(block(x), expected)
    prelu = build_activation('prelu')
    assert isinstance(prelu, nn.PReLU) and prelu.weight.item() == pytest.approx(0.25)
    with pytest.raises(ValueError, match='act_type'):
        build_activation('tanh')


def test_authors_initialisation():
    block = ConvBlock(64, 64)
    assert torch.all(block.conv.bias == 0)
    # Kaiming normal, fan-in, ReLU gain: std sqrt(2 / (64 * 3 * 3))
    assert block.conv.weight.std().item() == pytest.approx((2 / 576)**0.5, rel=0.05)
    deconv = DeconvBlock(8, 64, 3, 1, 1)
    assert torch.all(deconv.deconv.bias == 0)
    # ConvTranspose2d weight (in, out, k, k): torch's fan-in is out * k * k
    assert deconv.deconv.weight.std().item() == pytest.approx((2 / 576)**0.5, rel=0.05)


# Hand computation of one unit, 2 channels, x2 kernels (6 / 2 / 2).
KERNEL = dict(stride=2, padding=2)


def _deconv(x, block):
    return F.prelu(F.conv_transpose2d(x, block.deconv.weight, block.deconv.bias, **KERNEL),
                   block.act.weight)


def _conv(x, block, **kernel):
    return F.prelu(F.conv2d(x, block.conv.weight, block.conv.bias, **kernel), block.act.weight)


def _up_projection(lr, unit):
    h0 = _deconv(lr, unit.scale_up)  # scale up
    l0 = _conv(h0, unit.scale_down, **KERNEL)  # scale down
    h1 = _deconv(l0 - lr, unit.residual_up)  # scale the LR residual up
    return h1 + h0


def _down_projection(hr, unit):
    l0 = _conv(hr, unit.scale_down, **KERNEL)  # scale down
    h0 = _deconv(l0, unit.scale_up)  # scale up
    l1 = _conv(h0 - hr, unit.residual_down, **KERNEL)  # scale the HR residual down
    return l1 + l0


def test_up_projection_wiring():
    unit = _randomise(UpProjection(2, *projection_kernel(2)))
    lr = torch.randn(1, 2, 3, 4)
    assert torch.allclose(unit(lr), _up_projection(lr, unit), atol=1e-6)


def test_down_projection_wiring():
    unit = _randomise(DownProjection(2, *projection_kernel(2)))
    hr = torch.randn(1, 2, 6, 8)
    assert torch.allclose(unit(hr), _down_projection(hr, unit), atol=1e-6)


def test_dense_projection_wiring():
    up = _randomise(DenseUpProjection(2, 3, *projection_kernel(2)))
    lrs = torch.randn(1, 6, 3, 4)
    assert torch.allclose(up(lrs), _up_projection(_conv(lrs, up.squeeze), up), atol=1e-6)
    down = _randomise(DenseDownProjection(2, 2, *projection_kernel(2)))
    hrs = torch.randn(1, 4, 6, 8)
    assert torch.allclose(down(hrs), _down_projection(_conv(hrs, down.squeeze), down), atol=1e-6)


def test_res_block_wiring():
    block = _randomise(ResBlock(2))
    x = torch.randn(1, 2, 5, 5)
    slope = block.act.weight
    out = F.prelu(F.conv2d(x, block.conv1.weight, block.conv1.bias, padding=1), slope)
    out = F.prelu(F.conv2d(out, block.conv2.weight, block.conv2.bias, padding=1) + x, slope)
    assert torch.allclose(block(x), out, atol=1e-6)
