"""DenseDBPN: the authors' parameter count, output shapes, and loading the authors' checkpoint.

The authors' network is ``dbpn.Net(num_channels=3, base_filter=64, feat=64, num_stages=5,
scale_factor=4)`` of the STINet repository, whose checkpoint ``s-sr.pth`` was saved from
``DataParallel`` (keys start with ``module.``).
"""
import math

import pytest
import torch
import torch.nn.functional as F
from mmagic.registry import MODELS

from mmstvsr.models.archs import DenseDBPN, convert_dbpn_state_dict
from mmstvsr.utils.checkpoint import CheckpointError

# The authors' D-DBPN, x4, base 64, feat 64, 5 stages, layer by layer.
PROJECTION_LAYER = 64 * 64 * 8 * 8 + 64 + 1  # 8x8 (de)conv 64 -> 64, bias, PReLU
AUTHORS_DBPN_PARAMS = (
    3 * 64 * 3 * 3 + 64 + 1  # feat0: ConvBlock 3 -> 64, 3x3, PReLU
    + 64 * 64 * 1 * 1 + 64 + 1  # feat1: ConvBlock 64 -> 64, 1x1, PReLU
    + 9 * 3 * PROJECTION_LAYER  # up1..up5, down1..down4: three projection layers each
    + 2 * (2 * 64 * 64 + 64 + 1)  # down2 (D_DownBlock, 2 stages), up3 (D_UpBlock, 2): 1x1 squeeze
    + 2 * (3 * 64 * 64 + 64 + 1)  # down3, up4: 1x1 squeeze of 3 stages
    + 2 * (4 * 64 * 64 + 64 + 1)  # down4, up5: 1x1 squeeze of 4 stages
    + 320 * 64 * 3 * 3 + 64  # output_conv1: ConvBlock 320 -> 64, 3x3, no activation
    + 64 * 3 * 3 * 3 + 3)  # output_conv2: ConvBlock 64 -> 3, 3x3, defined but not used


def authors_layout():
    """Keys and shapes of the authors' ``s-sr.pth``, derived from dbpn.py / base_networks.py."""
    layout = {}

    def block(name, in_channels, out_channels, kernel_size, layer='conv', act=True):
        # ConvBlock holds `conv` (out, in, k, k), DeconvBlock `deconv` (in, out, k, k); both
        # biased, plus `act` (PReLU, one slope) unless activation=None.
        channels = (in_channels, out_channels) if layer == 'deconv' else (out_channels,
                                                                          in_channels)
        layout[f'module.{name}.{layer}.weight'] = channels + (kernel_size, kernel_size)
        layout[f'module.{name}.{layer}.bias'] = (out_channels, )
        if act:
            layout[f'module.{name}.act.weight'] = (1, )

    block('feat0', 3, 64, 3)
    block('feat1', 64, 64, 1)
    for k in range(1, 6):  # up1, up2: UpBlock; up3..up5: D_UpBlock with num_stages k - 1
        if k >= 3:
            block(f'up{k}.conv', 64 * (k - 1), 64, 1)
        block(f'up{k}.up_conv1', 64, 64, 8, 'deconv')
        block(f'up{k}.up_conv2', 64, 64, 8)
        block(f'up{k}.up_conv3', 64, 64, 8, 'deconv')
    for k in range(1, 5):  # down1: DownBlock; down2..down4: D_DownBlock with num_stages k
        if k >= 2:
            block(f'down{k}.conv', 64 * k, 64, 1)
        block(f'down{k}.down_conv1', 64, 64, 8)
        block(f'down{k}.down_conv2', 64, 64, 8, 'deconv')
        block(f'down{k}.down_conv3', 64, 64, 8)
    block('output_conv1', 320, 64, 3, act=False)
    block('output_conv2', 64, 3, 3, act=False)
    return layout


@pytest.fixture(scope='module')
def authors_weights():
    """Random weights in the authors' layout, scaled to keep activations of order one."""
    torch.manual_seed(0)
    state_dict = {}
    for key, shape in authors_layout().items():
        if key.endswith('act.weight'):
            state_dict[key] = torch.rand(shape) * 0.5
        elif key.endswith('bias'):
            state_dict[key] = torch.randn(shape) * 0.1
        else:
            state_dict[key] = torch.randn(shape) / math.sqrt(math.prod(shape[1:]))
    return state_dict


def authors_forward(state_dict, x):
    """``dbpn.Net.forward`` of the authors, written out with torch ops on their state dict."""

    def param(name):
        return state_dict[f'module.{name}']

    def conv(name, x, stride=1, padding=0, act=True):
        out = F.conv2d(x, param(f'{name}.conv.weight'), param(f'{name}.conv.bias'), stride,
                       padding)
        return F.prelu(out, param(f'{name}.act.weight')) if act else out

    def deconv(name, x):
        out = F.conv_transpose2d(x, param(f'{name}.deconv.weight'), param(f'{name}.deconv.bias'),
                                 4, 2)
        return F.prelu(out, param(f'{name}.act.weight'))

    def up(k, x):
        if k >= 3:
            x = conv(f'up{k}.conv', x)
        h0 = deconv(f'up{k}.up_conv1', x)
        l0 = conv(f'up{k}.up_conv2', h0, 4, 2)
        return deconv(f'up{k}.up_conv3', l0 - x) + h0

    def down(k, x):
        if k >= 2:
            x = conv(f'down{k}.conv', x)
        l0 = conv(f'down{k}.down_conv1', x, 4, 2)
        h0 = deconv(f'down{k}.down_conv2', l0)
        return conv(f'down{k}.down_conv3', h0 - x, 4, 2) + l0

    x = conv('feat1', conv('feat0', x, 1, 1))
    h1 = up(1, x)
    l1 = down(1, h1)
    h2 = up(2, l1)
    concat_h = torch.cat((h2, h1), 1)
    concat_l = torch.cat((down(2, concat_h), l1), 1)
    concat_h = torch.cat((up(3, concat_l), concat_h), 1)
    concat_l = torch.cat((down(3, concat_h), concat_l), 1)
    concat_h = torch.cat((up(4, concat_l), concat_h), 1)
    concat_l = torch.cat((down(4, concat_h), concat_l), 1)
    concat_h = torch.cat((up(5, concat_l), concat_h), 1)
    return conv('output_conv1', concat_h, 1, 1, act=False)


def _num_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.fixture(scope='module')
def default_net():
    """``DenseDBPN()`` built from the registry with its defaults; tests must not change it."""
    return MODELS.build(dict(type='DenseDBPN'))


def test_parameter_count_equals_authors(default_net):
    assert AUTHORS_DBPN_PARAMS == 7_345_830
    assert sum(math.prod(shape) for shape in authors_layout().values()) == AUTHORS_DBPN_PARAMS
    assert _num_params(default_net) == AUTHORS_DBPN_PARAMS
    assert _num_params(default_net.conv_rgb) == 64 * 3 * 3 * 3 + 3


def test_x4_feature_shape(default_net):
    with torch.no_grad():
        assert default_net(torch.rand(2, 3, 3, 5)).shape == (2, 64, 12, 20)


@pytest.mark.parametrize('scale', [2, 8])
def test_other_scales(scale):
    net = DenseDBPN(base_channels=16, mid_channels=8, scale=scale)
    assert net(torch.rand(1, 3, 3, 4)).shape == (1, 8, 3 * scale, 4 * scale)


def test_num_stages_and_rgb_output():
    net = DenseDBPN(base_channels=8, mid_channels=16, num_stages=3, return_rgb=True)
    assert _num_params(net.fusion) == 3 * 8 * 16 * 3 * 3 + 16
    x = torch.rand(1, 3, 4, 5)
    rgb = net(x)
    assert rgb.shape == (1, 3, 16, 20)
    net.return_rgb = False
    assert torch.allclose(rgb, net.conv_rgb(net(x)))


def test_invalid_configs():
    with pytest.raises(ValueError, match='num_stages'):
        DenseDBPN(num_stages=1)
    with pytest.raises(ValueError, match='scales'):
        DenseDBPN(scale=3)


# One authors' key per row of the mapping table, and ours.
KEY_TABLE = {
    'module.feat0.conv.weight': 'feat_extraction.conv.weight',
    'module.feat1.act.weight': 'feat_reduction.act.weight',
    'module.up3.conv.conv.weight': 'up_projections.2.squeeze.conv.weight',
    'module.up1.up_conv1.deconv.weight': 'up_projections.0.scale_up.deconv.weight',
    'module.up2.up_conv2.conv.bias': 'up_projections.1.scale_down.conv.bias',
    'module.up5.up_conv3.act.weight': 'up_projections.4.residual_up.act.weight',
    'module.down4.conv.act.weight': 'down_projections.3.squeeze.act.weight',
    'module.down1.down_conv1.conv.weight': 'down_projections.0.scale_down.conv.weight',
    'module.down2.down_conv2.deconv.bias': 'down_projections.1.scale_up.deconv.bias',
    'module.down3.down_conv3.conv.weight': 'down_projections.2.residual_down.conv.weight',
    'module.output_conv1.conv.weight': 'fusion.conv.weight',
    'module.output_conv2.conv.bias': 'conv_rgb.conv.bias',
}


def test_key_mapping(authors_weights, default_net):
    converted = convert_dbpn_state_dict(authors_weights)
    for authors_key, our_key in KEY_TABLE.items():
        assert converted[our_key] is authors_weights[authors_key]
    plain = {key.removeprefix('module.'): value for key, value in authors_weights.items()}
    assert list(convert_dbpn_state_dict(plain)) == list(converted)
    ours = default_net.state_dict()
    assert converted.keys() == ours.keys()
    assert all(converted[key].shape == ours[key].shape for key in ours)
    assert list(convert_dbpn_state_dict(ours)) == list(ours)  # our names pass unchanged


def test_authors_checkpoint_loads_and_matches_their_forward(authors_weights, tmp_path):
    torch.save(authors_weights, tmp_path / 's-sr.pth')
    net = DenseDBPN(init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 's-sr.pth')))
    net.init_weights()
    x = torch.rand(1, 3, 3, 4)
    with torch.no_grad():
        out = net(x)
        assert torch.allclose(out, authors_forward(authors_weights, x), rtol=1e-4, atol=1e-4)

    # the same weights, saved with our key names
    torch.save(net.state_dict(), tmp_path / 'ours.pth')
    ours = DenseDBPN(init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'ours.pth')))
    ours.init_weights()
    with torch.no_grad():
        assert torch.equal(ours(x), out)


def test_missing_checkpoint_fails_in_init_weights_only(tmp_path):
    path = str(tmp_path / 'absent.pth')
    net = DenseDBPN(base_channels=8, mid_channels=8,
                    init_cfg=dict(type='Pretrained', checkpoint=path))
    with pytest.raises(FileNotFoundError, match='absent.pth not found: the weights of DenseDBPN'):
        net.init_weights()


def test_wrong_keys_are_listed(tmp_path):
    state_dict = DenseDBPN(base_channels=8, mid_channels=8).state_dict()
    state_dict.pop('fusion.conv.bias')
    state_dict['module.extra.weight'] = torch.zeros(1)
    torch.save(state_dict, tmp_path / 'wrong.pth')
    net = DenseDBPN(base_channels=8, mid_channels=8,
                    init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'wrong.pth')))
    with pytest.raises(CheckpointError, match='wrong.pth does not hold the weights') as error:
        net.init_weights()
    assert 'fusion.conv.bias' in str(error.value) and 'extra.weight' in str(error.value)


def test_frozen_and_init_weights(tmp_path):
    net = DenseDBPN(base_channels=8, mid_channels=8, frozen=True)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    net.init_weights()  # no init_cfg: keeps the initialisation made at construction
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
    assert not any(p.requires_grad for p in net.parameters())
    net.train()
    assert not net.training  # fixed: eval mode whatever its parent asks

    torch.save(DenseDBPN(base_channels=8, mid_channels=8).state_dict(), tmp_path / 'ckpt.pth')
    net = DenseDBPN(
        base_channels=8, mid_channels=8, frozen=True,
        init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'ckpt.pth')))
    net.init_weights()
    assert not any(p.requires_grad for p in net.parameters())
    assert not net(torch.rand(1, 3, 2, 2)).requires_grad


def test_loads_mmengine_checkpoint_of_single_image_sr_pretraining(tmp_path):
    """The S-SR pretraining config saves a Runner checkpoint whose generator is the DBPN."""
    from mmengine.logging import HistoryBuffer

    trained = DenseDBPN(base_channels=8, mid_channels=8, num_stages=2, return_rgb=True)
    state = {f'generator.{k}': v for k, v in trained.state_dict().items()}
    torch.save(dict(meta=dict(iter=10), state_dict=state,
                    message_hub=dict(log_scalars={'loss': HistoryBuffer()})),
               tmp_path / 'iter_10.pth')
    net = DenseDBPN(base_channels=8, mid_channels=8, num_stages=2, frozen=True,
                    init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'iter_10.pth'),
                                  prefix='generator.'))
    net.init_weights()
    x = torch.rand(1, 3, 6, 6)
    torch.testing.assert_close(net.conv_rgb(net(x)), trained(x))


def test_readme_tiny_dbpn_parameter_count():
    """README "The default model": "tiny dense DBPN (153,390 parameters, STINet's S-SR
    initialiser at 16 channels and 2 stages)", the base config the default model and the tiny
    STINet share."""
    import os.path as osp

    from mmengine.config import Config
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    tiny = Config.fromfile(osp.join(root, 'configs', '_base_', 'models', 'stinet_tiny_s_sr.py'))
    assert (tiny.tiny_dbpn.base_channels, tiny.tiny_dbpn.num_stages) == (16, 2)
    net = MODELS.build(tiny.tiny_dbpn)
    assert sum(p.numel() for p in net.parameters()) == 153_390
