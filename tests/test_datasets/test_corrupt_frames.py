"""A frame that does not decode: the dataset error and ``tools/test.py`` name the file and the fix.

On real Vimeo-90K test clips copied under tmp_path, one PNG truncated to its first 200 bytes (as
an interrupted download or unpacking leaves it).
"""
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch
from mmagic.registry import DATASETS

import mmstvsr  # noqa: F401  (registers the datasets and transforms)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
VIMEO = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet')
BAD = 'sequences/00002/0007/im3.png'  # clip 2 of sep_testlist.txt
PIPELINE = [dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
            dict(type='MATLABBicubicDownsample', scale=4)]


@pytest.fixture
def corrupt_root(tmp_path):
    """A Vimeo-90K root with the three test clips, frame ``BAD`` truncated to 200 bytes."""
    root = tmp_path / 'vimeo'
    for clip in ('00002/0004', '00002/0007', '00002/0008'):
        shutil.copytree(osp.join(VIMEO, 'sequences', clip), root / 'sequences' / clip)
    shutil.copy(osp.join(VIMEO, 'sep_testlist.txt'), root)
    bad = root / BAD
    bad.write_bytes(bad.read_bytes()[:200])
    return root


def _vimeo(root):
    return DATASETS.build(dict(type='VimeoSeptupletDataset', data_root=str(root),
                               ann_file='sep_testlist.txt', test_mode=True, pipeline=PIPELINE))


def _expected_message(root):
    return (f'{root / BAD} cannot be decoded as an image (truncated or corrupt, 200 bytes): '
            'replace it with the file of the original download; `python '
            f'tools/dataset_converters/vimeo90k.py {root} --verify --lists sep_testlist.txt` '
            'lists every such frame')


def test_dataset_error_names_the_frame_and_the_fix(corrupt_root):
    dataset = _vimeo(corrupt_root)
    assert dataset[0]['img'][0].shape == (64, 112, 3)  # intact clips load
    with pytest.raises(Exception) as info:
        dataset[1]
    assert str(info.value) == _expected_message(corrupt_root)
    from mmstvsr.datasets import CorruptFrameError
    assert isinstance(info.value, CorruptFrameError) and isinstance(info.value, ValueError)
    # an error of the pipeline while every frame decodes passes unchanged
    shutil.copy(osp.join(VIMEO, BAD), corrupt_root / BAD)
    dataset = DATASETS.build(
        dict(type='VimeoSeptupletDataset', data_root=str(corrupt_root),
             ann_file='sep_testlist.txt', test_mode=True,
             pipeline=PIPELINE + [dict(type='MATLABBicubicDownsample', gt_key='nope')]))
    with pytest.raises(KeyError, match='nope'):
        dataset[1]


def test_dataloader_worker_keeps_the_one_line_message(corrupt_root):
    """A DataLoader worker's error reaches the main process as the same class, whose message
    PyTorch prefixes with the worker's traceback: the class keeps only its own message."""
    loader = torch.utils.data.DataLoader(_vimeo(corrupt_root), num_workers=1,
                                         collate_fn=lambda batch: batch)
    with pytest.raises(ValueError) as info:
        list(loader)
    assert str(info.value) == _expected_message(corrupt_root)


def test_other_datasets_name_the_frame(corrupt_root):
    """The frame-folder datasets name it too (no converter to suggest)."""
    dataset = DATASETS.build(
        dict(type='VideoFramesDataset', data_root=str(corrupt_root / 'sequences/00002'),
             data_prefix=dict(gt=''), test_mode=True, pipeline=PIPELINE))
    with pytest.raises(ValueError, match='cannot be decoded as an image') as info:
        dataset[1]
    assert str(info.value).startswith(f'{corrupt_root / BAD} cannot be decoded')
    assert '--verify' not in str(info.value)


def test_test_tool_prints_one_line_naming_the_frame(corrupt_root, tmp_path):
    res = subprocess.run(
        [sys.executable, 'tools/test.py', 'configs/baselines/bicubic-flow_x4_vimeo-septuplet.py',
         '--work-dir', str(tmp_path / 'wd'), '--cfg-options',
         f'test_dataloader.dataset.data_root={corrupt_root}'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 1, res.stderr[-3000:]
    assert 'Traceback' not in res.stderr, res.stderr[-3000:]
    errors = [line for line in res.stderr.splitlines() if line.startswith('error: ')]
    assert errors == ['error: ' + _expected_message(corrupt_root)], res.stderr[-3000:]


def test_train_tool_prints_one_line_naming_the_frame(tmp_path):
    root = tmp_path / 'vimeo'
    shutil.copytree(VIMEO, root)
    bad = root / 'sequences/00001/0003/im2.png'  # a training clip
    bad.write_bytes(bad.read_bytes()[:200])
    res = subprocess.run(
        [sys.executable, 'tools/train.py',
         'configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py', '--work-dir',
         str(tmp_path / 'wd'), '--cfg-options', 'train_cfg.max_iters=4',
         'train_cfg.val_interval=100000', f'train_dataloader.dataset.data_root={root}',
         f'val_dataloader.dataset.data_root={root}'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 1, res.stderr[-3000:]
    assert 'Traceback' not in res.stderr, res.stderr[-3000:]
    errors = [line for line in res.stderr.splitlines() if line.startswith('error: ')]
    assert len(errors) == 1 and errors[0].startswith(
        f'error: {bad} cannot be decoded as an image'), res.stderr[-3000:]
    assert '--verify --lists sep_trainlist.txt`' in errors[0]
