"""The pyflow flow backend (the STARnet authors' flows): missing, faked and, when built, real."""
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmstvsr.datasets.transforms import InBetweenFlows, PyflowFlow
from mmstvsr.utils.flow import PYFLOW_INSTALL, pyflow_flow

CLIP_DIR = Path(__file__).parents[1] / 'data' / 'vimeo_septuplet' / 'sequences' / '00002' / '0004'
#: get_flow of the STARnet authors' dataset.py: alpha, ratio, minWidth, nOuterFPIterations,
#: nInnerFPIterations, nSORIterations, colType (0: RGB)
AUTHORS_PARAMS = (0.012, 0.75, 20, 7, 1, 30, 0)


@pytest.fixture(scope='module')
def rgb_frames():
    """Three real RGB uint8 frames, 48x64 crops of a bundled clip with motion."""
    return [np.asarray(Image.open(CLIP_DIR / f'im{i}.png').convert('RGB'))[96:144, 128:192]
            for i in (1, 2, 3)]


class FakePyflow:
    """A ``pyflow`` module that records its calls and returns ``u`` = the first frame's red
    channel and ``v`` = the second frame's blue channel (distinct, so that a (u, v) swap or an
    RGB/BGR mix-up shows)."""

    def __init__(self):
        self.calls = []
        self.module = types.ModuleType('pyflow')
        self.module.coarse2fine_flow = self.coarse2fine_flow

    def coarse2fine_flow(self, im1, im2, *params):
        self.calls.append((im1, im2, params))
        return im1[..., 0].copy(), im2[..., 2].copy(), im2.copy()


@pytest.fixture
def fake_pyflow(monkeypatch):
    fake = FakePyflow()
    monkeypatch.setitem(sys.modules, 'pyflow', fake.module)
    return fake


def test_missing_pyflow_names_the_install_command(monkeypatch, rgb_frames):
    monkeypatch.setitem(sys.modules, 'pyflow', None)  # import pyflow raises ImportError
    with pytest.raises(ImportError, match=re.escape(PYFLOW_INSTALL)):
        PyflowFlow()(dict(img=rgb_frames[:2], img_channel_order='rgb'))
    with pytest.raises(ImportError, match='FarnebackFlow'):  # and the substitute
        pyflow_flow(*rgb_frames[:2], channel_order='rgb')
    with pytest.raises(ImportError, match=re.escape(PYFLOW_INSTALL)):
        InBetweenFlows(method='pyflow')(
            dict(img=[rgb_frames[0], rgb_frames[2]], gt=rgb_frames, img_channel_order='rgb'))


def test_fake_pyflow_gets_the_authors_arguments(fake_pyflow, rgb_frames):
    a, b, c = rgb_frames
    out = PyflowFlow()(dict(img=[a, b, c], img_channel_order='rgb'))
    assert len(fake_pyflow.calls) == 4
    for im1, im2, params in fake_pyflow.calls:
        assert params == AUTHORS_PARAMS
        for im in (im1, im2):  # RGB float64 in [0, 1], C-contiguous as the extension needs
            assert im.dtype == np.float64 and im.flags['C_CONTIGUOUS'] and im.shape == a.shape
    # forward flows a->b, b->c, backward b->a, c->b, each frame as RGB / 255
    order = [(a, b), (b, c), (b, a), (c, b)]
    for (im1, im2, _), (x, y) in zip(fake_pyflow.calls, order):
        np.testing.assert_array_equal(im1, x / 255.)
        np.testing.assert_array_equal(im2, y / 255.)
    # (u, v) stacked as channels 0, 1 of (T - 1, 2, h, w) float32
    fwd, bwd = out['flow_fwd'].numpy(), out['flow_bwd'].numpy()
    assert fwd.shape == bwd.shape == (2, 2) + a.shape[:2] and fwd.dtype == np.float32
    np.testing.assert_allclose(fwd[0, 0], a[..., 0] / 255., rtol=1e-6)  # u(a, b): red of a
    np.testing.assert_allclose(fwd[0, 1], b[..., 2] / 255., rtol=1e-6)  # v(a, b): blue of b
    np.testing.assert_allclose(bwd[1, 0], c[..., 0] / 255., rtol=1e-6)  # u(c, b): red of c


def test_bgr_frames_are_given_to_pyflow_as_rgb(fake_pyflow, rgb_frames):
    a, b, _ = rgb_frames
    bgr = [a[..., ::-1], b[..., ::-1]]
    out_bgr = PyflowFlow()(dict(img=bgr, img_channel_order='bgr'))
    np.testing.assert_array_equal(fake_pyflow.calls[0][0], a / 255.)
    out_rgb = PyflowFlow()(dict(img=[a, b], img_channel_order='rgb'))
    np.testing.assert_array_equal(out_bgr['flow_fwd'].numpy(), out_rgb['flow_fwd'].numpy())
    # channel_order overrides the frames' own order, as for FarnebackFlow
    n = len(fake_pyflow.calls)
    PyflowFlow(channel_order='bgr')(dict(img=[a, b], img_channel_order='rgb'))
    np.testing.assert_array_equal(fake_pyflow.calls[n][0], a[..., ::-1] / 255.)


def test_in_between_flows_use_pyflow(fake_pyflow, rgb_frames):
    """The flow-loss targets through the ground-truth middle frame, with the authors' flow."""
    a, b, c = rgb_frames
    out = InBetweenFlows(method='pyflow')(dict(img=[a, c], gt=[a, b, c],
                                               img_channel_order='rgb', gt_channel_order='rgb'))
    assert len(fake_pyflow.calls) == 4 and all(p == AUTHORS_PARAMS for *_, p in
                                               fake_pyflow.calls)
    # forward target: flow(a, b) + flow(b, c): u = red of a + red of b
    np.testing.assert_allclose(out['flow_fwd_gt'][0, 0].numpy(),
                               (a[..., 0] / 255. + b[..., 0] / 255.), rtol=1e-6)


def test_real_pyflow_gives_the_authors_flows():
    """Our backend on the golden STARnet frames gives the pyflow flows the authors' pipeline
    computed (tests/data/golden/starnet.npz). Needs the pyflow extension: skipped without it
    (as on CI)."""
    pytest.importorskip('pyflow')
    sys.path.insert(0, str(Path(__file__).parents[1] / 'test_golden'))
    from golden import load_golden
    golden = load_golden('starnet')
    for tag in ('lr_32x32', 'lr_8x32'):
        out = PyflowFlow()(dict(img=list(golden[tag]), img_channel_order='rgb'))
        for direction in ('fwd', 'bwd'):
            np.testing.assert_allclose(out[f'flow_{direction}'].numpy(),
                                       golden[f'{tag}_flow_{direction}_px'], rtol=0, atol=1e-6,
                                       err_msg=f'{tag} {direction}')


def test_frames_too_narrow_for_pyflow_are_refused(fake_pyflow, rgb_frames):
    """pyflow crashes the process on frames narrower than minWidth / ratio = 27 pixels (its
    pyramid gets no level): refused before the call."""
    narrow = [f[:, :26] for f in rgb_frames[:2]]
    with pytest.raises(ValueError, match='at least 27 pixels wide'):
        pyflow_flow(*narrow, channel_order='rgb')
    assert not fake_pyflow.calls
    pyflow_flow(*[f[:, :27] for f in rgb_frames[:2]], channel_order='rgb')
    assert len(fake_pyflow.calls) == 1
