"""VideoFolderClipsDataset: clips of one's own videos and frame folders, filtered; fine-tuning the
default model on them with tools/train.py."""
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from mmagic.registry import DATASETS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmstvsr  # noqa: F401  (registers the dataset and LoadClipFrames)
from mmstvsr.datasets.video_folder_dataset import plan_clips, read_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
VIDEOS = osp.join(ROOT, 'tests', 'data', 'videos')
VID4 = osp.join(ROOT, 'tests', 'data', 'vid4', 'GT')
FINETUNE = 'configs/cascades/dbpn-tiny-then-flow-finetune_x4_own-videos.py'


def _build(data_root, **kwargs):
    init_default_scope('mmagic')
    return DATASETS.build(dict(type='VideoFolderClipsDataset', data_root=str(data_root),
                               pipeline=[dict(type='LoadClipFrames', channel_order='rgb')],
                               **kwargs))


def _all_frames(path):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            return frames
        frames.append(frame)


def test_clips_of_videos_are_decoded_at_load_time():
    dataset = _build(VIDEOS, clip_length=7, clip_stride=2)
    # both 12-frame videos, clips starting at frames 0, 2, 4
    assert [item[:3] for item in dataset.summary] == [
        ('carphone_96x64.mp4', 12, 3), ('carphone_96x64_audio.mp4', 12, 3)]
    info = dataset.get_data_info(2)
    assert info['key'] == 'carphone_96x64.mp4/000004' and info['input_indices'] == [0, 2, 4, 6]
    assert info['frame_range'] == (4, 11) and info['num_frames'] == 12
    item = dataset[2]
    frames = _all_frames(osp.join(VIDEOS, 'carphone_96x64.mp4'))
    assert len(item['gt']) == 7 and item['gt_channel_order'] == 'rgb'
    for got, expected in zip(item['gt'], frames[4:11]):
        np.testing.assert_array_equal(got, expected[..., ::-1])
    triplets = _build(VIDEOS, clip_length=3, clip_stride=1)
    assert len(triplets) == 2 * 10 and triplets.get_data_info(0)['input_indices'] == [0, 2]
    with pytest.raises(ValueError, match='frame 12 does not decode'):
        list(read_video(osp.join(VIDEOS, 'carphone_96x64.mp4'), 10, 13))


def test_frame_folders_scene_cuts_and_static_clips(tmp_path):
    # one folder: carphone, then bikes (a scene cut between frames 9 and 10), then 7 copies of a
    # frame (static); names sorted naturally
    folder = tmp_path / 'own' / 'shots'
    folder.mkdir(parents=True)
    files = [osp.join(VID4, 'carphone', f'Frame {i:03d}.png') for i in range(1, 11)]
    files += [osp.join(VID4, 'bikes', f'Frame {i:03d}.png') for i in range(1, 14)]
    files += [files[-1]] * 7
    for i, src in enumerate(files):
        shutil.copy(src, folder / f'{i}.png')
    shutil.copy(osp.join(VIDEOS, 'carphone_96x64.mp4'), tmp_path / 'own' / 'clip.mp4')
    dataset = _build(tmp_path / 'own', clip_length=3, clip_stride=1)
    name, frames, kept, cuts, static = dataset.summary[1]
    assert (name, frames) == ('shots', 30)
    # 28 clips of 3: 2 span the cut (starts 8, 9), 6 are static (starts 22 .. 27: the last bikes
    # frame and its copies; start 21 still moves)
    assert (cuts, static, kept) == (2, 6, 20)
    starts = [dataset.get_data_info(i)['frame_range'][0] for i in range(len(dataset))
              if dataset.get_data_info(i)['clip'] == 'shots']
    assert 8 not in starts and 9 not in starts and 22 not in starts and 21 in starts
    item = dataset[[i for i in range(len(dataset))
                    if dataset.get_data_info(i)['key'] == 'shots/000010'][0]]
    np.testing.assert_array_equal(item['gt'][0], cv2.imread(files[10])[..., ::-1])
    assert dataset.summary[0][:3] == ('clip.mp4', 12, 10)
    with pytest.raises(ValueError, match='no clip of 3 frames passes the filters'):
        _build(tmp_path / 'own', clip_length=3, static_threshold=1000)
    (tmp_path / 'e').mkdir()
    (tmp_path / 'e' / 'notes.txt').write_text('no video')
    with pytest.raises(FileNotFoundError, match='video folder not found'):
        _build(tmp_path / 'none')
    with pytest.raises(ValueError, match='holds no video'):
        _build(tmp_path / 'e')
    with pytest.raises(ValueError, match='multiple of input_gap'):
        _build(tmp_path / 'own', clip_length=4, input_gap=2)


def test_plan_clips_filters():
    diffs = np.array([5, 5, 80, 5, 0.1, 0.1, 5])
    assert plan_clips(diffs, 3, 1, 40, 0.5) == ([0, 3, 5], 2, 1)


def test_finetune_the_default_model_on_a_folder_of_videos(tmp_path):
    videos = tmp_path / 'videos'
    videos.mkdir()
    for name in os.listdir(VIDEOS):
        if name.endswith('.mp4'):
            shutil.copy(osp.join(VIDEOS, name), videos / name)
    work_dir = tmp_path / 'wd'
    res = subprocess.run(
        [sys.executable, 'tools/train.py', FINETUNE, '--work-dir', str(work_dir), '--cfg-options',
         f'train_dataloader.dataset.data_root={videos}',
         f'val_dataloader.dataset.data_root={videos}', 'train_cfg.max_iters=2',
         'train_cfg.val_interval=2', 'train_dataloader.num_workers=0',
         'train_dataloader.batch_size=2', 'default_hooks.checkpoint.interval=2'],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    # the DBPN started from the bundled weights and was trained
    bundled = torch.load(osp.join(ROOT, Config.fromfile(osp.join(
        ROOT, 'configs', '_base_', 'models', 'stinet_tiny_s_sr.py')).s_sr_checkpoint),
        map_location='cpu', weights_only=False)['state_dict']
    tuned = torch.load(work_dir / 'iter_2.pth', map_location='cpu',
                       weights_only=False)['state_dict']
    pairs = [(tuned[f'generator.upsample.{k[len("generator."):]}'], v)
             for k, v in bundled.items() if k.startswith('generator.')]
    assert pairs and all(a.shape == b.shape for a, b in pairs)
    assert max((a - b).abs().max().item() for a, b in pairs) < 0.01  # a fine-tune...
    assert any(not torch.equal(a, b) for a, b in pairs)  # ...that moved the weights
    strips = sorted(os.listdir(work_dir / 'vis' / 'val_iter_2'))
    assert strips == ['carphone_96x64.mp4_000000.png', 'carphone_96x64_audio.mp4_000000.png']
