"""tools/model_converters/publish_model.py and tools/side_by_side.py on real frames."""
import importlib.util
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmagic.registry import MODELS
from mmengine.config import Config
from mmengine.logging import HistoryBuffer

from mmstvsr.apis import STVSRInferencer, open_source
from mmstvsr.utils.matlab_resize import imresize_matlab

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
VIDEO = osp.join(ROOT, 'tests', 'data', 'videos', 'carphone_96x64.mp4')
TINY = osp.join(ROOT, 'configs', 'baselines', 'residual-stvsr-tiny_x4_vimeo-septuplet.py')
BICUBIC_FLOW = osp.join(ROOT, 'configs', 'baselines', 'bicubic-flow_x4_vimeo-septuplet.py')


def _tool(*parts):
    spec = importlib.util.spec_from_file_location(parts[-1], osp.join(ROOT, 'tools', *parts))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_publish_keeps_only_the_weights(tmp_path):
    model = MODELS.build(Config.fromfile(TINY).model)
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.rand(1, 2, 3, 8, 8)).sum().backward()
    optimizer.step()
    src, dst = tmp_path / 'iter_10.pth', tmp_path / 'out' / 'published.pth'
    losses = HistoryBuffer()
    losses.update(1.0)
    torch.save(dict(meta=dict(iter=10, seed=np.int64(3)), state_dict=model.state_dict(),
                    optimizer=optimizer.state_dict(),
                    message_hub=dict(log_scalars={'loss': losses})), src)
    _tool('model_converters', 'publish_model.py').main([str(src), str(dst)])
    published = torch.load(dst, weights_only=True)  # plain tensors and types only
    assert set(published) == {'state_dict', 'meta'} and published['meta'] == dict(iter=10)
    assert osp.getsize(dst) < osp.getsize(src)
    inferencer = STVSRInferencer(TINY, str(dst), device='cpu')
    for key, value in model.state_dict().items():
        torch.testing.assert_close(inferencer.model.state_dict()[key], value)

    with pytest.raises(SystemExit, match='not found'):
        _tool('model_converters', 'publish_model.py').main([str(tmp_path / 'no.pth'), str(dst)])


def test_publish_refuses_to_overwrite_without_the_flag(tmp_path):
    torch.save(dict(state_dict={'w': torch.ones(2)}, meta=dict(iter=3)), tmp_path / 'iter_3.pth')
    dst = tmp_path / 'published.pth'
    dst.write_bytes(b'an earlier release')
    tool = _tool('model_converters', 'publish_model.py')
    with pytest.raises(SystemExit, match='exists: pass --overwrite'):
        tool.main([str(tmp_path / 'iter_3.pth'), str(dst)])
    assert dst.read_bytes() == b'an earlier release'
    tool.main([str(tmp_path / 'iter_3.pth'), str(dst), '--overwrite'])
    assert torch.equal(torch.load(dst, weights_only=True)['state_dict']['w'], torch.ones(2))


def test_side_by_side_panels(tmp_path):
    out = tmp_path / 'cmp.png'
    _tool('side_by_side.py').main([VIDEO, str(out), '--frame', '3', '--config', BICUBIC_FLOW,
                                   '--device', 'cpu'])
    picture = cv2.imread(str(out))
    lr = list(open_source(VIDEO, 3, 5).frames())[0]  # (64, 96, 3)
    label = 22
    assert picture.shape == (label + 256, 3 * 384 + 2 * 4, 3)
    nearest = picture[label:, :384]
    np.testing.assert_array_equal(nearest[::4, ::4], lr)
    np.testing.assert_array_equal(picture[label:, 388:772], imresize_matlab(lr, 4))
    assert not list(tmp_path.glob('*.partial*'))

    with pytest.raises(SystemExit):
        _tool('side_by_side.py').main([VIDEO, str(tmp_path / 'x.png'), '--frame', '11',
                                       '--config', BICUBIC_FLOW])
    with pytest.raises(SystemExit):
        _tool('side_by_side.py').main([VIDEO, str(tmp_path / 'x.png'), '--config', BICUBIC_FLOW,
                                       '--crop', '300', '0', '100', '100'])
    assert not (tmp_path / 'x.png').exists()


@pytest.mark.parametrize('args,message', [
    (['--frame', '-1'], '--frame must be 0 or more'),
    ([], 'is a file, not a folder'),
])
def test_side_by_side_bad_options_are_one_line(tmp_path, capsys, args, message):
    (tmp_path / 'file').write_text('a file')
    out = tmp_path / ('x.png' if args else 'file/x.png')
    with pytest.raises(SystemExit) as exit_:
        _tool('side_by_side.py').main([VIDEO, str(out), '--config', BICUBIC_FLOW, *args])
    assert exit_.value.code == 1 and message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ['file']


def test_side_by_side_between_shows_the_in_between_output(tmp_path):
    frames = list(open_source(VIDEO, 3, 6).frames())  # LR frames 3, 4, 5 (64, 96, 3)
    middle = np.full((256, 384, 3), 7, np.uint8)
    cv2.imwrite(str(tmp_path / 'gt.png'), middle)
    out = tmp_path / 'between.png'
    _tool('side_by_side.py').main([VIDEO, str(out), '--frame', '3', '--between', '--input-gap',
                                   '2', '--gt', str(tmp_path / 'gt.png'), '--config',
                                   BICUBIC_FLOW, '--device', 'cpu'])
    picture = cv2.imread(str(out))
    label = 22
    assert picture.shape == (label + 256, 4 * 384 + 3 * 4, 3)
    blend = (frames[0].astype(float) + frames[2]) / 2  # inputs 3 and 5 blended
    assert np.abs(picture[label::4, :384:4] - blend).max() <= 0.5
    expected = STVSRInferencer(BICUBIC_FLOW, device='cpu').predict([frames[0], frames[2]])[1]
    np.testing.assert_array_equal(picture[label:, 2 * 388:2 * 388 + 384], expected)
    np.testing.assert_array_equal(picture[label:, 3 * 388:], middle)

    with pytest.raises(SystemExit):  # a ground truth of another size
        _tool('side_by_side.py').main([VIDEO, str(tmp_path / 'x.png'), '--between', '--gt',
                                       str(VIDEO.replace('.mp4', '.png')), '--config',
                                       BICUBIC_FLOW])
    cv2.imwrite(str(tmp_path / 'small.png'), middle[:64, :96])
    with pytest.raises(SystemExit):
        _tool('side_by_side.py').main([VIDEO, str(tmp_path / 'x.png'), '--between', '--gt',
                                       str(tmp_path / 'small.png'), '--config', BICUBIC_FLOW])
    assert not (tmp_path / 'x.png').exists()
