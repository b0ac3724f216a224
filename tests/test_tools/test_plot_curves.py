"""tools/analysis/plot_curves.py: curves of a run's scalars.json; one-line errors."""
import importlib.util
import json
import os.path as osp

import cv2
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _tool():
    path = osp.join(ROOT, 'tools', 'analysis', 'plot_curves.py')
    spec = importlib.util.spec_from_file_location('plot_curves', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scalars(work_dir):
    path = work_dir / '20260101_000000' / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    lines = [dict(loss=1.0 / i, lr=1e-4, iter=i, step=i) for i in range(1, 6)]
    lines.insert(3, {'Y-PSNR': 30.5, 'step': 0})  # validation after iteration 3
    path.write_text(''.join(json.dumps(line) + '\n' for line in lines))
    return path


def test_plots_the_keys_of_the_newest_run(tmp_path, capsys):
    tool = _tool()
    path = _scalars(tmp_path)
    curves = tool.read_curves(str(path))
    assert curves['loss'][0] == [1, 2, 3, 4, 5] and curves['Y-PSNR'] == ([3], [30.5])
    out = tmp_path / 'curves.png'
    tool.main([str(tmp_path), '--keys', 'loss', 'Y-PSNR', '--out', str(out)])
    image = cv2.imread(str(out))
    assert image is not None and image.shape[0] > image.shape[1] / 2  # two stacked panels
    assert 'loss, Y-PSNR' in capsys.readouterr().out


@pytest.mark.parametrize('case,message', [
    ('missing', 'not found'),
    ('no_run', 'holds no */vis_data/scalars.json'),
    ('empty', 'is empty'),
    ('key', 'foo not logged; the file holds Y-PSNR, loss, lr'),
])
def test_errors_are_one_line(tmp_path, case, message):
    path = {'missing': tmp_path / 'nothing', 'no_run': tmp_path, 'empty': tmp_path / 'e.json',
            'key': tmp_path}[case]
    if case == 'empty':
        path.write_text('\n')
    if case == 'key':
        _scalars(tmp_path)
    with pytest.raises(SystemExit, match='error: .*' + message.replace('*', r'\*')):
        _tool().main([str(path), '--keys', 'foo', '--out', str(tmp_path / 'c.png')])
    assert not (tmp_path / 'c.png').exists()
