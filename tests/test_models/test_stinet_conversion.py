"""The authors' STINet checkpoint layout converts to ours and loads strictly."""
import math

import pytest
import torch
from test_dense_dbpn import authors_layout as authors_dbpn_layout

import mmstvsr  # noqa: F401
from mmstvsr.models.editors.stinet import STINetNet
from mmstvsr.models.editors.stinet.checkpoint_conversion import convert_stinet_state_dict


def authors_stinet_layout():
    """Keys and shapes of the authors' STINet state dict (DataParallel), from net_STINet.py:
    Net(base_filter=32, feat=64, num_stages=3, n_resblock=5, scale_factor=4)."""
    layout = {}

    def conv(name, cin, cout, k, transposed=False):
        layout[f'module.{name}.weight'] = (cin, cout, k, k) if transposed else (cout, cin, k, k)
        layout[f'module.{name}.bias'] = (cout, )

    def res(name, c):  # ResnetBlock, LeakyReLU: conv1, conv2
        conv(f'{name}.conv1', c, c, 3)
        conv(f'{name}.conv2', c, c, 3)

    def dcn(name):  # DCN_sep(64, 64, 3, deformable_groups=8)
        layout[f'module.{name}.weight'] = (64, 64, 3, 3)
        layout[f'module.{name}.bias'] = (64, )
        conv(f'{name}.conv_offset_mask', 64, 8 * 3 * 9, 3)

    res('motion_down.0', 64)
    conv('motion_down.1.conv', 64, 64, 8)
    conv('motion_feat.conv', 4, 32, 3)
    res('motion.0', 32)
    res('motion.1', 32)
    conv('motion.2.conv', 32, 64, 3)
    conv('interp_l.0.deconv', 192, 64, 8, transposed=True)
    for i in range(1, 8):
        res(f'interp_l.{i}', 64)
    conv('interp_l.8.conv', 64, 64, 8)
    conv('interp_h.0.conv', 192, 64, 3)
    for i in range(1, 7):
        res(f'interp_h.{i}', 64)
    conv('interp_h.7.conv', 64, 64, 3)
    conv('h_down.conv', 64, 64, 8)
    conv('h_up.deconv', 64, 64, 8, transposed=True)
    for name in ('layersAtBOffset', 'layersCtBOffset'):
        conv(f'{name}.0', 128, 64, 3)
        conv(f'{name}.2', 64, 64, 3)
    dcn('layersAtB')
    dcn('layersCtB')
    conv('offsetdown.conv', 64, 64, 8)
    conv('conv11AtB', 128, 64, 1)
    conv('l_conv11AtB', 64, 64, 1)
    conv('h_conv11AtB', 64, 64, 1)
    for i in (0, 2, 4):
        conv(f'layersFusion.{i}', 192, 192, 1)
    conv('layersFusion.6', 192, 64, 1)
    conv('reconstruction_h.conv', 64, 3, 3)
    conv('reconstruction_l.conv', 64, 3, 3)
    conv('upconv1', 64, 256, 3)
    conv('upconv2', 64, 256, 3)
    conv('HRconv', 64, 64, 3)
    conv('conv_last', 64, 3, 3)
    conv('h_down_gcn.conv', 64, 64, 8)
    for k, (cin, cout) in enumerate([(64, 256), (256, 256), (256, 256), (256, 64)], 1):
        layout[f'module.SAG{k}.fc_neigh.weight'] = (cout, cin)
        layout[f'module.SAG{k}.bias'] = (cout, )
    conv('h_blending', 64, 3, 1)
    layout.update({k.replace('module.', 'module.DBPN.'): v
                   for k, v in authors_dbpn_layout().items()})
    return layout


def test_authors_layout_counts_11_76m():
    layout = authors_stinet_layout()
    # interp_l.2..6 and interp_h.1..5 are the same shared blocks: count them once
    shared = [k for k in layout if k.startswith('module.interp_h.') and
              k.split('.')[2] in '12345']
    assert sum(math.prod(s) for k, s in layout.items() if k not in shared) == 11_761_602


def test_authors_checkpoint_converts_and_loads_strictly():
    torch.manual_seed(0)
    state = {k: torch.randn(s) for k, s in authors_stinet_layout().items()}
    for i in range(1, 6):  # shared blocks: the two names hold the same tensors
        for p in ('conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias'):
            state[f'module.interp_h.{i}.{p}'] = state[f'module.interp_l.{i + 1}.{p}']
    net = STINetNet(stgr=dict(type='OfficialSTGR'))
    converted = convert_stinet_state_dict(state)
    net.load_state_dict(converted, strict=True)
    assert torch.equal(net.stlr[0].align_prev.conv_offset.weight,
                       state['module.layersAtB.conv_offset_mask.weight'])
    assert torch.equal(net.stgr.sage_layers[3].fc_neigh.weight,
                       state['module.SAG4.fc_neigh.weight'])
    assert torch.equal(net.reconstruction.lr_head[8].weight, state['module.conv_last.weight'])
    assert torch.equal(net.stfi.hr_branch[1][0].conv1.weight,
                       state['module.interp_l.2.conv1.weight'])


def test_unknown_key_is_named():
    with pytest.raises(KeyError, match='bogus'):
        convert_stinet_state_dict({'module.bogus.weight': torch.zeros(1)})


def test_converter_tool_writes_a_loadable_checkpoint(tmp_path):
    import subprocess
    import sys

    from mmengine.runner.checkpoint import _load_checkpoint

    root = __file__.rsplit('/tests/', 1)[0]
    state = {k: torch.zeros(s) for k, s in authors_stinet_layout().items()}
    src, dst = tmp_path / 'STINet.pth', tmp_path / 'out' / 'stinet.pth'
    torch.save(state, src)
    tool = f'{root}/tools/model_converters/stinet_to_mmstvsr.py'
    res = subprocess.run([sys.executable, tool, str(src), str(dst)], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    ckpt = _load_checkpoint(str(dst), map_location='cpu')
    assert 'generator.initializer.fusion.conv.weight' in ckpt['state_dict']
    res = subprocess.run([sys.executable, tool, str(src), str(dst)], capture_output=True,
                         text=True)
    assert res.returncode != 0 and '--force' in res.stderr
