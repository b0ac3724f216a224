"""BDConvLSTM (ST-GR -> BDCL of STINet's Table 4)."""
import os.path as osp

import torch
from mmagic.registry import MODELS
from mmengine.config import Config

from mmstvsr.models.archs import BDConvLSTM, DeformableConvLSTMCell

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_cell_update_and_alignment_gradients():
    torch.manual_seed(0)
    cell = DeformableConvLSTMCell(8, deform_groups=2)
    x, h, c = torch.randn(3, 2, 8, 6, 6).unbind(0)
    h_new, c_new = cell(x, (h, c))
    assert h_new.shape == c_new.shape == (2, 8, 6, 6)
    assert h_new.abs().max() < 1  # sigmoid(o) * tanh(c)
    (h_new.sum() + c_new.sum()).backward()
    # the offset convs start at zero (MMagic's ModulatedDCNPack), so at the first step the
    # gradient reaches them, the deformable weights and the gates, not yet the offset features
    for module in (cell.align_h, cell.align_c, cell.gates):
        assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())


def test_both_directions_reach_every_frame():
    torch.manual_seed(0)
    net = BDConvLSTM(8, deform_groups=2).eval()
    feats = torch.randn(1, 4, 8, 6, 6)
    with torch.no_grad():
        out = net(feats)
        assert out.shape == feats.shape
        last_changed = feats.clone()
        last_changed[:, -1] += 1
        first_changed = feats.clone()
        first_changed[:, 0] += 1
        # the backward pass carries the last frame to the first output, the forward pass the
        # first frame to the last output
        assert not torch.allclose(net(last_changed)[:, 0], out[:, 0])
        assert not torch.allclose(net(first_changed)[:, -1], out[:, -1])
        # with the backward half of the fusion zeroed, the first output ignores later frames
        net.fusion.weight[:, 8:] = 0
        torch.testing.assert_close(net(last_changed)[:, 0], net(feats)[:, 0])


def test_stinet_variant_replaces_stgr_in_both_branches():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'stinet', 'stinet-stgr-to-bdcl_x4_2xb15-500k_vimeo-septuplet.py'))
    net = MODELS.build(cfg.model.generator)
    assert net.stgr is None and set(net.bdconvlstm) == {'lr', 'hr'}
    assert all(isinstance(m, BDConvLSTM) for m in net.bdconvlstm.values())
