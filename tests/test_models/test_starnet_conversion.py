"""The authors' STARnet checkpoint layouts convert to ours and load strictly."""
import pytest
import torch

import mmstvsr  # noqa: F401
from mmstvsr.models.editors.starnet import (STARnetNet, STARnetWithoutHRTemporalSRNet,
                                            STARnetWithoutLRTemporalSRNet,
                                            STARnetWithoutTemporalSRNet)
from mmstvsr.models.editors.starnet.checkpoint_conversion import convert_starnet_state_dict

B, F, U = 16, 8, 4  # base_filter, feat, U-Net base (the authors': 256, 64, 64)


def authors_layout(version='V4', flow_net=True):
    """Keys and shapes of the authors' state dict (DataParallel), written from their
    fbpn_sr_rbpn_v{1..4}(_ref).py, rbpn.py, dbpns.py, base_networks.py and autoencoder_v4.py with
    num_stages=3, n_resblock=5, x4."""
    layout = {}
    prefix = 'module.model.' if flow_net else 'module.'

    def conv(name, cin, cout, k, transposed=False, prelu=False, root=prefix):
        layout[f'{root}{name}.weight'] = (cin, cout, k, k) if transposed else (cout, cin, k, k)
        layout[f'{root}{name}.bias'] = (cout, )
        if prelu:
            layout[f'{root}{name.rsplit(".", 1)[0]}.act.weight'] = (1, )

    def res(name, c, prelu=False):
        conv(f'{name}.conv1', c, c, 3)
        conv(f'{name}.conv2', c, c, 3)
        if prelu:
            layout[f'{prefix}{name}.act.weight'] = (1, )

    def stack(name, cin, cout, n, k, transposed=False, prelu=False):
        for i in range(n):
            res(f'{name}.{i}', cin, prelu)
        conv(f'{name}.{n}.' + ('deconv' if transposed else 'conv'), cin, cout, k, transposed,
             prelu)

    # RBPN (nFrames=2) with DBPNS
    conv('RBPN.feat0.conv', 3, B, 3, prelu=True)
    conv('RBPN.feat1.conv', 8, B, 3, prelu=True)
    conv('RBPN.DBPN.feat1.conv', B, F, 1, prelu=True)
    for n in (1, 2, 3):
        conv(f'RBPN.DBPN.up{n}.up_conv1.deconv', F, F, 8, True, True)
        conv(f'RBPN.DBPN.up{n}.up_conv2.conv', F, F, 8, prelu=True)
        conv(f'RBPN.DBPN.up{n}.up_conv3.deconv', F, F, 8, True, True)
    for n in (1, 2):
        conv(f'RBPN.DBPN.down{n}.down_conv1.conv', F, F, 8, prelu=True)
        conv(f'RBPN.DBPN.down{n}.down_conv2.deconv', F, F, 8, True, True)
        conv(f'RBPN.DBPN.down{n}.down_conv3.conv', F, F, 8, prelu=True)
    conv('RBPN.DBPN.output.conv', 3 * F, F, 1)
    stack('RBPN.res_feat1', B, F, 5, 8, transposed=True, prelu=True)
    stack('RBPN.res_feat2', F, F, 5, 3, prelu=True)
    stack('RBPN.res_feat3', F, B, 5, 8, prelu=True)
    conv('RBPN.output.conv', F, 3, 3)
    # the STAR network
    conv('motion_feat.conv', 4, B, 3)
    stack('motion', B, F, 2, 3)
    if version == 'V1':
        stack('warp1', F, 2 * F, 2, 8)
        stack('warp2', F, 2 * F, 2, 8)
    stack('motion_down', F, 2 * F, 3 if version == 'V1' else 2, 8)
    if version in ('V3', 'V4'):
        stack('t_net_lr', 5 * F, 2 * F, 2, 3)
    if version in ('V2', 'V4'):
        conv('t_net_hr.0.conv', 3 * F, F, 1)
        for s, n in ((1, 5), (2, 4), (3, 3)):
            for k in range(1, n + 1):
                res(f't_net_hr.1.l{s}_{k}', F * 2**(s - 1))
        conv('t_net_hr.1.down1.conv', F, 2 * F, 4)
        conv('t_net_hr.1.down2.conv', 2 * F, 4 * F, 4)
        conv('t_net_hr.1.up1.deconv', 2 * F, F, 4, True)
        conv('t_net_hr.1.up2.deconv', 4 * F, 2 * F, 4, True)
        conv('t_net_hr.1.final.conv', F, F, 3)
        conv('t_net_hr.2.conv', F, F, 3)
    for name in ('interp_block', 'motion_up_f', 'motion_up_b'):
        stack(name, 5 * F, F, 5, 8, transposed=True)
    conv('reconstruction_l.conv', 2 * F, 3, 3)
    conv('reconstruction_h.conv', F, 3, 3)
    if flow_net:  # UNet(8, 2)

        def double(name, cin, cout):
            for i, c in ((0, cin), (3, cout)):
                conv(f'{name}.{i}', c, cout, 3, root='module.flow_net.')
                for stat in ('weight', 'bias', 'running_mean', 'running_var'):
                    layout[f'module.flow_net.{name}.{i + 1}.{stat}'] = (cout, )
                layout[f'module.flow_net.{name}.{i + 1}.num_batches_tracked'] = ()

        enc = [U, 2 * U, 4 * U, 8 * U, 16 * U, 16 * U]
        double('inc.conv.conv', 8, U)
        for n in range(1, 6):
            double(f'down{n}.mpconv.1.conv', enc[n - 1], enc[n])
        ups = [(32 * U, 8 * U), (16 * U, 4 * U), (8 * U, 2 * U), (4 * U, U), (2 * U, U)]
        for n, (cin, cout) in enumerate(ups, 1):
            double(f'up{n}.conv.conv', cin, cout)
        conv('outc.conv', U, 2, 1, root='module.flow_net.')
    return layout


#: our network of each of the authors' versions
VERSIONS = {
    'V1': STARnetWithoutTemporalSRNet,
    'V2': STARnetWithoutLRTemporalSRNet,
    'V3': STARnetWithoutHRTemporalSRNet,
    'V4': STARnetNet
}


def _net(version='V4', flow_net=True):
    fr = dict(base_channels=U, num_levels=5) if flow_net else None
    return VERSIONS[version](hr_channels=F, lr_channels=2 * F, base_channels=B, num_stages=3,
                             num_blocks=5, flow_refinement=fr)


@pytest.mark.parametrize('version,flow_net', [('V4', True), ('V4', False), ('V1', False),
                                              ('V2', False), ('V3', True)])
def test_authors_layouts_load_strictly(version, flow_net):
    torch.manual_seed(0)
    layout = authors_layout(version, flow_net)
    state = {k: torch.randn(shape) if shape else torch.tensor(3) for k, shape in layout.items()}
    net = _net(version, flow_net)
    converted = convert_starnet_state_dict(state)
    assert len(converted) == len(state)
    net.load_state_dict(converted, strict=True)
    # spot checks of the mapping
    own = net.state_dict()
    pairs = [('RBPN.DBPN.up2.up_conv2.conv.weight',
              'spatial_sr.dbpns.up_projections.1.scale_down.conv.weight'),
             ('RBPN.res_feat3.5.conv.weight', 'spatial_sr.down.5.conv.weight'),
             ('motion_up_b.5.deconv.bias', 'backward_refiner.5.deconv.bias'),
             ('motion_down.0.conv1.weight', 'hr_to_lr.0.conv1.weight')]
    if version in ('V2', 'V4'):
        pairs.append(('t_net_hr.1.l3_2.conv1.weight',
                      'hr_temporal_sr.layers.1.blocks.2.1.conv1.weight'))
    if version == 'V1':
        pairs.append(('warp2.0.conv1.weight', 'input_hr_to_lr.1.0.conv1.weight'))
    prefix = 'module.model.' if flow_net else 'module.'
    for theirs, ours in pairs:
        assert torch.equal(own[ours], state[prefix + theirs])
    if flow_net:
        assert torch.equal(own['flow_refinement.unet.ups.4.3.weight'],
                           state['module.flow_net.up5.conv.conv.3.weight'])


def test_unknown_keys_are_refused():
    with pytest.raises(KeyError, match='STARnet'):
        convert_starnet_state_dict({'module.model.something.weight': torch.zeros(1)})


#: key sets of other models' state dicts (and of one with an unknown key among STARnet's)
FOREIGN = {
    'edvr': ['conv_first.weight', 'feature_extraction.0.conv1.weight',
             'pcd_align.cas_dcnpack.conv_offset.weight'],
    'dsfn': ['module.sr_model.conv1.weight', 'module.it_model.flow_comp.conv1.weight',
             'module.merge_model.down1.conv1.weight'],
    'starnet_unet_alone': ['inc.conv.conv.0.weight', 'outc.conv.weight'],  # flow_refinement.pth
    'partly_starnet': ['module.model.motion_feat.conv.weight', 'module.model.extra.weight'],
}


def test_converter_tool_writes_a_loadable_checkpoint(tmp_path):
    import subprocess
    import sys

    from mmengine.runner.checkpoint import _load_checkpoint

    root = __file__.rsplit('/tests/', 1)[0]
    state = {k: torch.zeros(s) for k, s in authors_layout('V4', flow_net=False).items()}
    src, dst = tmp_path / 'STAR_V4_RBPN.pth', tmp_path / 'out' / 'star.pth'
    torch.save(state, src)
    tool = f'{root}/tools/model_converters/starnet_to_mmstvsr.py'
    res = subprocess.run([sys.executable, tool, str(src), str(dst)], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    ckpt = _load_checkpoint(str(dst), map_location='cpu')
    net = _net('V4', flow_net=False)
    net.load_state_dict({k[len('generator.'):]: v for k, v in ckpt['state_dict'].items()})
    res = subprocess.run([sys.executable, tool, str(src), str(dst)], capture_output=True,
                         text=True)
    assert res.returncode != 0 and '--force' in res.stderr
    # a foreign file (EDVR-like keys) is refused, with --force too, and dst is left as it was
    written = dst.read_bytes()
    torch.save({k: torch.zeros(2, 2) for k in FOREIGN['edvr']}, src)
    res = subprocess.run([sys.executable, tool, str(src), str(dst), '--force'],
                         capture_output=True, text=True)
    assert res.returncode != 0 and "not an authors' STARnet checkpoint" in res.stderr
    assert "unknown key in the STARnet checkpoint: 'conv_first.weight'" in res.stderr, res.stderr
    assert dst.read_bytes() == written


@pytest.mark.parametrize('name', sorted(FOREIGN))
def test_foreign_state_dicts_are_refused(tmp_path, monkeypatch, name):
    """A state dict of another model, or with a key no STARnet module has, is refused with a
    message naming the key, and nothing is written."""
    root = __file__.rsplit('/tests/', 1)[0]
    monkeypatch.syspath_prepend(f'{root}/tools/model_converters')
    from _authors_checkpoint import convert_authors_checkpoint
    src, dst = tmp_path / f'{name}.pth', tmp_path / f'{name}_out.pth'
    torch.save({k: torch.zeros(2, 2) for k in FOREIGN[name]}, src)
    with pytest.raises(ValueError, match="not an authors' STARnet checkpoint") as err:
        convert_authors_checkpoint(str(src), str(dst), convert_starnet_state_dict, 'STARnet')
    assert 'unknown key' in str(err.value)
    assert any(repr(k) in str(err.value) for k in FOREIGN[name]), str(err.value)
    assert not dst.exists()
