"""The modulated deformable convolution of ST-LR and BDConvLSTM: the CPU implementation
(bilinear sampling and one matrix product) against torchvision's and mmcv's operators."""
import pytest
import torch
from torchvision.ops import deform_conv2d as torchvision_deform_conv2d

from mmstvsr.models.archs import ModulatedDCNPack, modulated_dcn
from mmstvsr.models.archs.modulated_dcn import deform_conv2d, sampled_deform_conv2d

# (kernel, stride, padding, dilation, deformable groups, input H x W)
CASES = [(3, 1, 1, 1, 8, (12, 15)), (3, 2, 1, 1, 1, (11, 9)), (3, 1, 2, 2, 2, (10, 13)),
         (1, 1, 0, 1, 4, (5, 7)), (5, 1, 2, 1, 2, (9, 8))]


def _operands(kernel, stride, padding, dilation, groups, size, dtype, seed=0):
    gen = torch.Generator().manual_seed(seed)
    n, c_in, c_out = 2, 16, 8
    out_h = (size[0] + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    out_w = (size[1] + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    taps = kernel * kernel
    # offsets of several pixels: many positions fall between pixels, near and past the borders
    offset = torch.randn(n, 2 * groups * taps, out_h, out_w, generator=gen, dtype=dtype) * 4
    offset[0, 0, 0, 0] = -size[0]  # one position far outside the input
    return dict(
        x=torch.randn(n, c_in, *size, generator=gen, dtype=dtype),
        offset=offset,
        weight=torch.randn(c_out, c_in, kernel, kernel, generator=gen, dtype=dtype) * 0.1,
        bias=torch.randn(c_out, generator=gen, dtype=dtype),
        mask=torch.rand(n, groups * taps, out_h, out_w, generator=gen, dtype=dtype),
        stride=(stride, stride), padding=(padding, padding), dilation=(dilation, dilation))


@pytest.mark.parametrize('case', CASES)
@pytest.mark.parametrize('dtype, tol', [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_sampled_equals_torchvision(case, dtype, tol):
    args = _operands(*case, dtype)
    expected = torchvision_deform_conv2d(**{('input' if k == 'x' else k): v
                                            for k, v in args.items()})
    got = sampled_deform_conv2d(**args)
    assert got.shape == expected.shape and got.dtype == dtype
    assert torch.allclose(got, expected, rtol=0, atol=tol * expected.abs().max().item())


def test_sampled_equals_mmcv_in_float32():
    """mmcv's CPU op (what MMagic's ModulatedDCNPack runs) on the same operands, to 1e-5."""
    mmcv_ops = pytest.importorskip('mmcv.ops')
    for case in CASES:
        args = _operands(*case, torch.float32)
        groups = args['mask'].shape[1] // case[0]**2
        expected = mmcv_ops.modulated_deform_conv2d(
            args['x'], args['offset'], args['mask'], args['weight'], args['bias'], args['stride'],
            args['padding'], args['dilation'], 1, groups)
        got = sampled_deform_conv2d(**args)
        assert torch.allclose(got, expected, rtol=0, atol=1e-5 * expected.abs().max().item())


def test_gradients_equal_torchvision():
    args = _operands(3, 1, 1, 1, 4, (8, 9), torch.float64)
    grads = []
    for fn in (sampled_deform_conv2d, torchvision_deform_conv2d):
        leaves = {k: v.clone().requires_grad_() if torch.is_tensor(v) else v
                  for k, v in args.items()}
        call = leaves if fn is sampled_deform_conv2d else {
            ('input' if k == 'x' else k): v for k, v in leaves.items()}
        fn(**call).square().sum().backward()
        grads.append([leaves[k].grad for k in ('x', 'offset', 'weight', 'bias', 'mask')])
    for ours, theirs in zip(*grads):
        assert torch.allclose(ours, theirs, rtol=1e-9, atol=1e-9)


def test_cpu_uses_the_sampled_operator_other_devices_torchvision(monkeypatch):
    """CPU tensors go through the sampling; anything else (CUDA: torchvision carries its CUDA
    kernels, no compiled mmcv op is needed), and 1-pixel-wide inputs, through torchvision."""
    calls = []
    monkeypatch.setattr(modulated_dcn, 'sampled_deform_conv2d',
                        lambda *a, **k: calls.append('sampled') or sampled_deform_conv2d(*a, **k))
    monkeypatch.setattr(modulated_dcn, '_torchvision_deform_conv2d',
                        lambda *a, **k: calls.append('torchvision')
                        or torchvision_deform_conv2d(*a, **k))
    args = _operands(3, 1, 1, 1, 2, (6, 7), torch.float32)
    deform_conv2d(**args)
    thin = _operands(3, 1, 1, 1, 2, (1, 7), torch.float32)
    deform_conv2d(**thin)
    assert calls == ['sampled', 'torchvision']


def test_pack_under_bf16_autocast_runs_in_float32():
    """The pack's deformable convolution runs in float32 under bf16 autocast (neither operator
    has a bf16 CPU kernel) and matches the float32 result to bf16 rounding."""
    torch.manual_seed(0)
    pack = ModulatedDCNPack(16, 16, 3, padding=1, deform_groups=4).eval()
    torch.nn.init.normal_(pack.conv_offset.weight, std=0.05)  # offsets other than zero
    x, feat = torch.randn(1, 16, 10, 12), torch.randn(1, 16, 10, 12)
    with torch.no_grad():
        expected = pack(x, feat)
        with torch.autocast('cpu', dtype=torch.bfloat16):
            got = pack(x, feat)
    assert got.dtype == torch.float32
    assert (got - expected).abs().max() < 0.05 * expected.abs().max()
