"""Benchmark datasets (Vid4, Adobe240, FISR, Vimeo subsets and triplets, UCF101, Middlebury)."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest
from mmagic.registry import DATASETS
from mmengine.config import Config

from mmstvsr.datasets import plan_frame_windows
from mmstvsr.datasets.transforms import imresize_matlab
from mmstvsr.utils.files import natural_key

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATASET_CONFIGS = osp.join(ROOT, 'configs', '_base_', 'datasets')
VID4 = osp.join(ROOT, 'tests', 'data', 'vid4')
VID4_LENGTHS = dict(calendar=41, city=34, foliage=49, walk=47)


def _config(name):
    return Config.fromfile(osp.join(DATASET_CONFIGS, name))


def _build(config, loader='test_dataloader', **overrides):
    """Build the dataset of a dataset config's loader, with some arguments replaced."""
    cfg = _config(config)[loader].dataset
    cfg.update(overrides)
    return DATASETS.build(cfg)


def _read_rgb(path):
    return cv2.imread(str(path))[..., ::-1]


def _frames(item, key):
    """``(T, H, W, 3)`` uint8 RGB frames of an item's inputs (key 'inputs') or ground truth."""
    tensor = item['inputs'] if key == 'inputs' else item['data_samples'].gt_img
    return tensor.permute(0, 2, 3, 1).numpy()


def _counted_once(windows):
    """The frames each window adds when every frame counts only the first time it is produced."""
    seen = []
    for start, stop in windows:
        seen += [i for i in range(start, stop) if i not in seen]
    return seen


# ---------------------------------------------------------------- window arithmetic
def test_natural_sort():
    names = ['Frame 10.png', 'Frame 2.png', 'frame 1.png', 'Frame 100.png']
    assert sorted(names, key=natural_key) == [
        'frame 1.png', 'Frame 2.png', 'Frame 10.png', 'Frame 100.png'
    ]


@pytest.mark.parametrize('clip,tail_start', [('calendar', 34), ('city', 27), ('foliage', None),
                                             ('walk', 40)])
def test_vid4_windows_count_every_frame_once(clip, tail_start):
    length = VID4_LENGTHS[clip]
    windows = plan_frame_windows(length)
    regular = [(s, s + 7) for s in range(0, length - 6, 6)]
    assert windows == regular + ([(tail_start, length)] if tail_start is not None else [])
    assert all(stop - start == 7 for start, stop in windows)
    assert _counted_once(windows) == list(range(length))
    # inputs of regular windows: 0-based frames 0, 2, 4, ..., i.e. the odd frames 1, 3, 5, ...
    inputs = sorted({s + i for s, _ in regular for i in (0, 2, 4, 6)})
    assert inputs == list(range(0, regular[-1][1], 2))
    # without the tail window, the frames Zooming Slow-Mo's script scores
    kept = plan_frame_windows(length, cover_tail=False)
    assert kept == regular
    assert len(_counted_once(kept)) == dict(calendar=37, city=31, foliage=49, walk=43)[clip]


def test_adobe_gap8_windows():
    windows = plan_frame_windows(33, num_inputs=2, input_gap=8)
    assert windows == [(0, 9), (8, 17), (16, 25), (24, 33)]
    windows = plan_frame_windows(30, num_inputs=2, input_gap=8)
    assert windows == [(0, 9), (8, 17), (16, 25), (21, 30)]
    assert _counted_once(windows) == list(range(30))
    windows = plan_frame_windows(40, num_inputs=3, input_gap=8)
    assert windows == [(0, 17), (16, 33), (23, 40)]
    assert _counted_once(windows) == list(range(40))


def test_short_clips():
    assert plan_frame_windows(5) == [(0, 5)]
    assert plan_frame_windows(3) == [(0, 3)]
    assert plan_frame_windows(7) == [(0, 7)]
    assert plan_frame_windows(9, num_inputs=2, input_gap=8) == [(0, 9)]
    for length in (1, 2, 4, 6):
        with pytest.raises(ValueError, match=f'{length} frames are too few.*at least 7'):
            plan_frame_windows(length)
    with pytest.raises(ValueError, match='at least 9 frames'):
        plan_frame_windows(5, num_inputs=2, input_gap=8)


# ---------------------------------------------------------------- configs on real frames
def test_vid4_config_loads_real_frames():
    ds = _build('vid4_x4_test.py', data_root=VID4)
    assert [ds.get_data_info(i)['key'] for i in range(len(ds))] == [
        'bikes/00000', 'bikes/00006', 'carphone/00000', 'carphone/00003'
    ]
    info = ds.get_data_info(3)  # the tail window of the 10-frame clip
    names = [osp.basename(p) for p in info['gt_path']]
    assert names == [f'Frame {i:03d}.png' for i in range(4, 11)]
    item = ds[3]
    meta = item['data_samples'].metainfo
    assert meta['clip'] == 'carphone'
    assert meta['frame_ids'] == list(range(3, 10))
    assert meta['input_indices'] == [0, 2, 4, 6]
    gt, lr = _frames(item, 'gt'), _frames(item, 'inputs')
    assert gt.shape == (7, 64, 96, 3) and lr.shape == (4, 16, 24, 3)
    assert np.array_equal(gt[2], _read_rgb(osp.join(VID4, 'GT', 'carphone', 'Frame 006.png')))
    assert np.array_equal(lr[1], imresize_matlab(gt[2], 1 / 4))


def test_vid4_offline_lr(tmp_path):
    shutil.copytree(osp.join(VID4, 'GT'), tmp_path / 'GT')
    for clip in os.listdir(tmp_path / 'GT'):
        os.makedirs(tmp_path / 'BIx4' / clip)
        for name in os.listdir(tmp_path / 'GT' / clip):
            frame = cv2.imread(str(tmp_path / 'GT' / clip / name))
            cv2.imwrite(str(tmp_path / 'BIx4' / clip / name), imresize_matlab(frame, 1 / 4))
    pipeline = _config('vid4_x4_test.py').offline_lr_test_pipeline
    offline = _build('vid4_x4_test.py', data_root=str(tmp_path),
                     data_prefix=dict(gt='GT', img='BIx4'), pipeline=pipeline)
    online = _build('vid4_x4_test.py', data_root=str(tmp_path))
    assert len(offline) == len(online) == 4
    assert [osp.basename(p) for p in offline.get_data_info(1)['img_path']] == [
        f'Frame {i:03d}.png' for i in (7, 9, 11, 13)
    ]
    for i in (0, 3):
        assert np.array_equal(_frames(offline[i], 'inputs'), _frames(online[i], 'inputs'))
        assert np.array_equal(_frames(offline[i], 'gt'), _frames(online[i], 'gt'))
    os.remove(tmp_path / 'BIx4' / 'bikes' / 'Frame 013.png')
    with pytest.raises(FileNotFoundError, match=r'LR frames of clip "bikes".*Frame 013.png'):
        _build('vid4_x4_test.py', data_root=str(tmp_path),
               data_prefix=dict(gt='GT', img='BIx4'), pipeline=pipeline)


def test_adobe240_config_gap8():
    ds = _build('adobe240_x4_test.py', data_root=osp.join(VID4, 'GT'))
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert [(d['clip'], d['frame_ids'][0], d['frame_ids'][-1]) for d in infos] == [
        ('bikes', 0, 8), ('bikes', 4, 12), ('carphone', 0, 8), ('carphone', 1, 9)
    ]
    item = ds[1]
    assert item['data_samples'].metainfo['input_indices'] == [0, 8]
    assert _frames(item, 'inputs').shape == (2, 16, 24, 3)
    assert _frames(item, 'gt').shape == (9, 64, 96, 3)


def test_fisr_config_x2():
    ds = _build('fisr_x2_test.py', data_root=VID4, data_prefix=dict(gt='GT'))
    assert len(ds) == 4
    item = ds[0]
    assert _frames(item, 'inputs').shape == (4, 32, 48, 3)
    assert _frames(item, 'gt').shape == (7, 64, 96, 3)


@pytest.mark.parametrize('subset,keys', [('fast', ['00002/0004']),
                                         ('slow', ['00002/0007', '00002/0008'])])
def test_vimeo_subset_configs(vimeo_root, subset, keys):
    cfg = _config(f'vimeo90k_septuplet_{subset}_x4_test.py')
    assert cfg.test_dataloader.dataset.ann_file == f'{subset}_testset.txt'
    assert cfg.val_dataloader.dataset.ann_file == 'sep_testlist.txt'
    ds = _build(f'vimeo90k_septuplet_{subset}_x4_test.py', data_root=vimeo_root)
    assert [ds.get_data_info(i)['key'] for i in range(len(ds))] == keys
    assert _frames(ds[0], 'gt').shape == (7, 256, 448, 3)


def test_vimeo_medium_config(vimeo_root, tmp_path):
    os.symlink(osp.join(vimeo_root, 'sequences'), tmp_path / 'sequences')
    (tmp_path / 'medium_testset.txt').write_text('00002/0007\n')
    ds = _build('vimeo90k_septuplet_medium_x4_test.py', data_root=str(tmp_path))
    assert len(ds) == 1 and _frames(ds[0], 'inputs').shape == (4, 64, 112, 3)


def _triplet_root(vimeo_root, tmp_path):
    """Real Vimeo-90K frames in the triplet layout: im1..im3 of two septuplet clips."""
    for clip in ('00002/0004', '00002/0007'):
        os.makedirs(tmp_path / 'sequences' / clip)
        for name in ('im1.png', 'im2.png', 'im3.png'):
            shutil.copy(osp.join(vimeo_root, 'sequences', clip, name),
                        tmp_path / 'sequences' / clip / name)
    (tmp_path / 'tri_trainlist.txt').write_text('00002/0004\n')
    (tmp_path / 'tri_testlist.txt').write_text('00002/0007\n')
    return str(tmp_path)


def test_vimeo_triplet_config(vimeo_root, tmp_path):
    root = _triplet_root(vimeo_root, tmp_path)
    ds = _build('vimeo90k_triplet_x4.py', data_root=root)
    item = ds[0]
    assert item['data_samples'].metainfo['key'] == '00002/0007'
    assert item['data_samples'].metainfo['input_indices'] == [0, 2]
    gt, lr = _frames(item, 'gt'), _frames(item, 'inputs')
    assert gt.shape == (3, 256, 448, 3) and lr.shape == (2, 64, 112, 3)
    assert np.array_equal(gt[1], _read_rgb(osp.join(root, 'sequences', '00002/0007', 'im2.png')))
    assert np.array_equal(lr[1], imresize_matlab(gt[2], 1 / 4))
    train = _build('vimeo90k_triplet_x4.py', 'train_dataloader', data_root=root)
    assert len(train) == 1
    assert _frames(train[0], 'inputs').shape == (2, 32, 32, 3)
    assert _frames(train[0], 'gt').shape == (3, 128, 128, 3)


def test_ucf101_config(vimeo_root, tmp_path):
    names = ('frame_00.png', 'frame_01_gt.png', 'frame_02.png')
    for clip in ('1', '2'):
        os.makedirs(tmp_path / clip)
        for src, name in zip(('im1.png', 'im2.png', 'im3.png'), names):
            shutil.copy(osp.join(vimeo_root, 'sequences', '00002', f'000{clip}', src),
                        tmp_path / clip / name)
    ds = _build('ucf101_triplet_test.py', data_root=str(tmp_path))
    assert len(ds) == 2
    item = ds[1]
    assert item['data_samples'].metainfo['key'] == '2'
    gt = _frames(item, 'gt')
    assert np.array_equal(gt[1], _read_rgb(tmp_path / '2' / 'frame_01_gt.png'))
    assert _frames(item, 'inputs').shape == (2, 64, 112, 3)


def test_middlebury_config(vimeo_root, tmp_path):
    clip = osp.join(vimeo_root, 'sequences', '00002', '0008')
    for name in ('Grove2', 'Urban2'):
        os.makedirs(tmp_path / 'other-data' / name)
        os.makedirs(tmp_path / 'other-gt-interp' / name)
        shutil.copy(osp.join(clip, 'im1.png'), tmp_path / 'other-data' / name / 'frame10.png')
        shutil.copy(osp.join(clip, 'im2.png'),
                    tmp_path / 'other-gt-interp' / name / 'frame10i11.png')
        shutil.copy(osp.join(clip, 'im3.png'), tmp_path / 'other-data' / name / 'frame11.png')
    os.makedirs(tmp_path / 'other-data' / 'Beanbags')  # inputs without ground truth: not a clip
    ds = _build('middlebury_other_test.py', data_root=str(tmp_path))
    assert [ds.get_data_info(i)['key'] for i in range(len(ds))] == ['Grove2', 'Urban2']
    gt = _frames(ds[0], 'gt')
    assert gt.shape == (3, 256, 448, 3)
    assert np.array_equal(gt[2], _read_rgb(osp.join(clip, 'im3.png')))
    os.remove(tmp_path / 'other-data' / 'Urban2' / 'frame11.png')
    with pytest.raises(FileNotFoundError, match=r'clip "Urban2" is incomplete.*frame11.png'):
        _build('middlebury_other_test.py', data_root=str(tmp_path))


# ---------------------------------------------------------------- errors and layouts
def _video_dataset(root, **kwargs):
    return DATASETS.build(dict(type='VideoFramesDataset', data_root=str(root), **kwargs))


def _clip(root, name, count, pattern='Frame {:03d}.png'):
    """A clip folder of ``count`` real frames (bikes frames repeated as needed)."""
    folder = root / 'GT' / name
    os.makedirs(folder)
    for i in range(1, count + 1):
        shutil.copy(osp.join(VID4, 'GT', 'bikes', f'Frame {(i - 1) % 13 + 1:03d}.png'),
                    folder / pattern.format(i))
    return folder


def test_frames_sorted_naturally(tmp_path):
    _clip(tmp_path, 'clip', 13, pattern='{}.png')
    (tmp_path / 'GT' / 'clip' / 'notes.txt').write_text('not a frame')
    ds = _video_dataset(tmp_path)
    assert [osp.basename(p) for p in ds.get_data_info(1)['gt_path']] == [
        f'{i}.png' for i in range(7, 14)
    ]


def test_short_clip_is_one_window(tmp_path):
    _clip(tmp_path, 'five', 5)
    ds = _video_dataset(tmp_path, pipeline=_config('vid4_x4_test.py').test_pipeline)
    assert len(ds) == 1
    meta = ds[0]['data_samples'].metainfo
    assert meta['input_indices'] == [0, 2, 4] and meta['frame_ids'] == [0, 1, 2, 3, 4]


def test_dataset_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='clip folder not found.*nope/GT'):
        _video_dataset(tmp_path / 'nope')
    os.makedirs(tmp_path / 'GT')
    with pytest.raises(ValueError, match='holds no clip folder'):
        _video_dataset(tmp_path)
    os.makedirs(tmp_path / 'GT' / 'empty')
    with pytest.raises(ValueError, match='empty holds no frame'):
        _video_dataset(tmp_path)
    shutil.rmtree(tmp_path / 'GT' / 'empty')
    _clip(tmp_path, 'even', 4)
    with pytest.raises(ValueError, match='clip .*even: 4 frames are too few'):
        _video_dataset(tmp_path)
    with pytest.raises(ValueError, match='at least 2 inputs'):
        _video_dataset(tmp_path, num_inputs=1)
    with pytest.raises(ValueError, match='input_gap'):
        _video_dataset(tmp_path, input_gap=0)
    with pytest.raises(ValueError, match='data_prefix names the HR folder'):
        _video_dataset(tmp_path, data_prefix=dict(lq='LR'))


def test_clip_list_file(tmp_path):
    _clip(tmp_path, 'a', 7)
    _clip(tmp_path, 'b', 7)
    (tmp_path / 'meta_info.txt').write_text('b 7\n\n')
    ds = _video_dataset(tmp_path, ann_file='meta_info.txt')
    assert [ds.get_data_info(i)['key'] for i in range(len(ds))] == ['b/00000']
    with pytest.raises(FileNotFoundError, match='clip list file not found.*none.txt'):
        _video_dataset(tmp_path, ann_file='none.txt')
    (tmp_path / 'bad.txt').write_text('a\nc\n')
    with pytest.raises(FileNotFoundError, match='clip folder not found.*GT/c'):
        _video_dataset(tmp_path, ann_file='bad.txt')


def test_mixed_frame_sizes(tmp_path):
    folder = _clip(tmp_path, 'clip', 7)
    path = str(folder / 'Frame 004.png')
    cv2.imwrite(path, cv2.imread(path)[:32])
    ds = _video_dataset(tmp_path, pipeline=_config('vid4_x4_test.py').test_pipeline)
    with pytest.raises(ValueError, match='Frame 004.png is 32x96'):
        ds[0]


def test_fixed_frames_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match='input_indices must name at least 2'):
        DATASETS.build(dict(type='FixedFramesDataset', data_root=str(tmp_path),
                            frame_paths=['{clip}/a.png', '{clip}/b.png'], input_indices=[0, 2]))
    with pytest.raises(ValueError, match='must contain {clip}'):
        DATASETS.build(dict(type='FixedFramesDataset', data_root=str(tmp_path),
                            frame_paths=['a.png', '{clip}/b.png', '{clip}/c.png']))


# ---------------------------------------------------------------- end to end
def test_bicubic_flow_on_vid4_end_to_end(tmp_path):
    out = tmp_path / 'metrics.json'
    res = subprocess.run(
        [sys.executable, 'tools/test.py', 'configs/baselines/bicubic-flow_x4_vid4.py',
         '--work-dir', str(tmp_path / 'wd'), '--out', str(out), '--cfg-options',
         f'test_dataloader.dataset.data_root={VID4}', 'test_dataloader.num_workers=0'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-3000:]
    result = json.loads(out.read_text())
    metrics = result['metrics']
    # README "Test sets": "Y-PSNR 29.08, Y-SSIM 0.8391, RGB-PSNR 27.48 (bikes 32.55, carphone
    # 25.61 dB Y-PSNR)"
    assert metrics['Y-PSNR'] == pytest.approx(29.08, abs=0.01), metrics
    assert metrics['Y-SSIM'] == pytest.approx(0.8391, abs=1e-4), metrics
    assert metrics['RGB-PSNR'] == pytest.approx(27.48, abs=0.01), metrics
    per_clip = {row['clip']: row['Y-PSNR'] for row in result['per_clip']}
    assert per_clip == dict(bikes=pytest.approx(32.55, abs=0.01),
                            carphone=pytest.approx(25.61, abs=0.01))
    # every frame scored once: 13 + 10, not the 4 x 7 frames of the windows
    assert {row['clip']: row['num_frames'] for row in result['per_clip']} == dict(bikes=13,
                                                                                  carphone=10)
