"""VideoFolderClipsDataset: clips of one's own videos and frame folders, filtered; fine-tuning the
default model on them with tools/train.py."""
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest
import torch
from mmagic.registry import DATASETS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmstvsr  # noqa: F401  (registers the dataset and LoadClipFrames)
import mmstvsr.datasets.video_folder_dataset as vfd
from mmstvsr.datasets.video_folder_dataset import IndexCacheWarning, plan_clips, read_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
VIDEOS = osp.join(ROOT, 'tests', 'data', 'videos')
VID4 = osp.join(ROOT, 'tests', 'data', 'vid4', 'GT')
FINETUNE = 'configs/cascades/dbpn-tiny-then-flow-finetune_x4_own-videos.py'


def _build(data_root, **kwargs):
    init_default_scope('mmagic')
    return DATASETS.build(dict(type='VideoFolderClipsDataset', data_root=str(data_root),
                               pipeline=[dict(type='LoadClipFrames', channel_order='rgb')],
                               **kwargs))


def _items(dataset):
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def _own_footage(root, frames=True):
    """The two bundled videos (mtimes kept) and, with ``frames``, a folder of 8 Vid4 frames."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ('carphone_96x64.mp4', 'carphone_96x64_audio.mp4'):
        shutil.copy2(osp.join(VIDEOS, name), root / name)
    if frames:
        (root / 'shots').mkdir()
        for i in range(1, 9):
            shutil.copy2(osp.join(VID4, 'carphone', f'Frame {i:03d}.png'),
                         root / 'shots' / f'{i}.png')
    return root


@pytest.fixture
def decoded(monkeypatch):
    """Names of the videos passed to read_video and of the folders of the frames read, in order."""
    calls = []
    real_read_video, real_imread = vfd.read_video, cv2.imread

    def read_video_counted(path, *args, **kwargs):
        calls.append(osp.basename(path))
        return real_read_video(path, *args, **kwargs)

    def imread_counted(path, *args):
        folder = osp.basename(osp.dirname(path))
        if not calls or calls[-1] != folder:
            calls.append(folder)
        return real_imread(path, *args)

    monkeypatch.setattr(vfd, 'read_video', read_video_counted)
    monkeypatch.setattr(cv2, 'imread', imread_counted)
    return calls


def _all_frames(path):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            return frames
        frames.append(frame)


def test_clips_of_videos_are_decoded_at_load_time():
    # index_cache=False: nothing is written into the repository's folder
    dataset = _build(VIDEOS, clip_length=7, clip_stride=2, index_cache=False)
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
    triplets = _build(VIDEOS, clip_length=3, clip_stride=1, index_cache=None)
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


def test_second_build_reads_the_index_cache(tmp_path, decoded):
    root = _own_footage(tmp_path / 'own')
    first = _build(root, clip_length=3, clip_stride=1)
    assert decoded == ['carphone_96x64.mp4', 'carphone_96x64_audio.mp4', 'shots']
    assert sorted(os.listdir(root)) == ['.mmstvsr_index.json', 'carphone_96x64.mp4',
                                        'carphone_96x64_audio.mp4', 'shots']  # no temporary file
    decoded.clear()
    again = _build(root, clip_length=3, clip_stride=1)
    assert decoded == [] and _items(again) == _items(first) and again.summary == first.summary
    # the clip options are applied to the cached differences: no decoding, same clips as without
    # the cache
    options = dict(clip_length=7, clip_stride=2, scene_cut_threshold=8.0, static_threshold=0.1)
    cached = _build(root, **options)
    assert decoded == []
    fresh = _build(root, index_cache=False, **options)
    assert decoded == ['carphone_96x64.mp4', 'carphone_96x64_audio.mp4', 'shots']
    assert _items(cached) == _items(fresh) and cached.summary == fresh.summary
    assert cached.summary != first.summary


def test_changed_added_and_removed_sources_are_decoded_again(tmp_path, decoded):
    root = _own_footage(tmp_path / 'own')
    video, other = root / 'carphone_96x64.mp4', root / 'carphone_96x64_audio.mp4'
    first = _build(root, clip_length=3)
    stat = os.stat(video)
    # touched: same bytes, newer mtime
    os.utime(video, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    decoded.clear()
    assert _items(_build(root, clip_length=3)) == _items(first)
    assert decoded == ['carphone_96x64.mp4']
    # replaced by another file of another size, its mtime put back
    shutil.copyfile(other, video)
    os.utime(video, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    decoded.clear()
    _build(root, clip_length=3)
    assert decoded == ['carphone_96x64.mp4']
    # one frame of the folder touched, then one frame added
    frame = root / 'shots' / '3.png'
    os.utime(frame, ns=(os.stat(frame).st_atime_ns, os.stat(frame).st_mtime_ns + 10**9))
    decoded.clear()
    _build(root, clip_length=3)
    assert decoded == ['shots']
    shutil.copy(osp.join(VID4, 'carphone', 'Frame 009.png'), root / 'shots' / '9.png')
    decoded.clear()
    assert _build(root, clip_length=3).summary[2][:2] == ('shots', 9)
    assert decoded == ['shots']
    # a video added, another removed
    shutil.copy2(other, root / 'added.mp4')
    os.remove(other)
    decoded.clear()
    dataset = _build(root, clip_length=3)
    assert decoded == ['added.mp4']
    assert [item[0] for item in dataset.summary] == ['added.mp4', 'carphone_96x64.mp4', 'shots']
    decoded.clear()
    _build(root, clip_length=3)
    assert decoded == []
    assert sorted(vfd.load_index(str(root / vfd.INDEX_NAME))) == [
        'added.mp4', 'carphone_96x64.mp4', 'shots']


def test_a_changed_measurement_decodes_again(tmp_path, decoded, monkeypatch):
    root = _own_footage(tmp_path / 'own', frames=False)
    _build(root, clip_length=3)
    decoded.clear()
    _build(root, clip_length=3)
    assert decoded == []
    monkeypatch.setattr(vfd, 'THUMB_WIDTH', 32)
    _build(root, clip_length=3)
    assert decoded == ['carphone_96x64.mp4', 'carphone_96x64_audio.mp4']


@pytest.mark.parametrize('damage', ['truncated', 'garbage', 'short diffs'])
def test_a_corrupt_index_cache_is_rebuilt_with_one_warning(tmp_path, decoded, damage):
    root = _own_footage(tmp_path / 'own', frames=False)
    first = _build(root, clip_length=3)
    cache = root / vfd.INDEX_NAME
    text = cache.read_text()
    if damage == 'truncated':
        cache.write_text(text[:len(text) // 2])
    elif damage == 'garbage':
        cache.write_bytes(b'\x00\xff' * 20)
    else:
        data = json.loads(text)
        data['sources']['carphone_96x64.mp4']['diffs'].pop()
        cache.write_text(json.dumps(data))
    decoded.clear()
    with pytest.warns(IndexCacheWarning, match='unreadable.*rebuilt') as record:
        dataset = _build(root, clip_length=3)
    assert len(record) == 1
    assert _items(dataset) == _items(first)
    assert decoded == ['carphone_96x64.mp4', 'carphone_96x64_audio.mp4']
    decoded.clear()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        _build(root, clip_length=3)
    assert decoded == []


@pytest.mark.parametrize('off', [False, None])
def test_without_index_cache_every_build_decodes(tmp_path, decoded, off):
    root = _own_footage(tmp_path / 'own', frames=False)
    first = _build(root, clip_length=3, index_cache=off)
    assert _items(_build(root, clip_length=3, index_cache=off)) == _items(first)
    assert decoded == ['carphone_96x64.mp4', 'carphone_96x64_audio.mp4'] * 2
    assert sorted(os.listdir(root)) == ['carphone_96x64.mp4', 'carphone_96x64_audio.mp4']


def test_index_cache_location(tmp_path, decoded, monkeypatch):
    root = _own_footage(tmp_path / 'own', frames=False)
    # a file of one's choice, its folder made
    cache = tmp_path / 'caches' / 'own.json'
    _build(root, clip_length=3, index_cache=str(cache))
    decoded.clear()
    _build(root, clip_length=3, index_cache=str(cache))
    assert decoded == [] and cache.is_file() and vfd.INDEX_NAME not in os.listdir(root)
    # a read-only data_root: under $MMSTVSR_CACHE
    monkeypatch.setenv('MMSTVSR_CACHE', str(tmp_path / 'user_cache'))
    monkeypatch.setattr(vfd.os, 'access', lambda path, mode: False)
    path = vfd.default_index_path(str(root))
    assert path.startswith(str(tmp_path / 'user_cache' / 'video-index'))
    _build(root, clip_length=3)
    decoded.clear()
    _build(root, clip_length=3)
    assert decoded == [] and osp.isfile(path)


def test_an_unwritable_index_cache_warns_and_builds(tmp_path, decoded):
    root = _own_footage(tmp_path / 'own', frames=False)
    (tmp_path / 'a_file').write_text('not a folder')
    with pytest.warns(IndexCacheWarning, match='cannot write .* set index_cache') as record:
        dataset = _build(root, clip_length=3, index_cache=str(tmp_path / 'a_file' / 'index.json'))
    assert len(record) == 1 and len(dataset) == 2 * 4
    assert _items(dataset) == _items(_build(root, clip_length=3, index_cache=False))


def test_a_failed_write_keeps_the_previous_index_cache(tmp_path, decoded, monkeypatch):
    root = _own_footage(tmp_path / 'own', frames=False)
    _build(root, clip_length=3)
    cache = root / vfd.INDEX_NAME
    before = cache.read_bytes()

    def dump_half(data, f):
        f.write(json.dumps(data)[:100])
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(vfd.json, 'dump', dump_half)
    os.utime(root / 'carphone_96x64.mp4')  # now: decoded again, the cache written again
    with pytest.warns(IndexCacheWarning, match='No space left'):
        _build(root, clip_length=3)
    assert cache.read_bytes() == before
    assert sorted(os.listdir(root)) == ['.mmstvsr_index.json', 'carphone_96x64.mp4',
                                        'carphone_96x64_audio.mp4']


def test_builds_at_once_share_the_index_cache(tmp_path):
    root = _own_footage(tmp_path / 'own')
    sources = vfd.find_sources(str(root))
    cache = str(root / vfd.INDEX_NAME)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: vfd.index_sources(sources, cache), range(4)))
    expected = vfd.index_sources(sources, None)
    for result in results + [vfd.index_sources(sources, cache)]:
        assert result.keys() == expected.keys()
        for name, (num_frames, diffs) in result.items():
            assert num_frames == expected[name][0]
            np.testing.assert_array_equal(diffs, expected[name][1])
    assert not [name for name in os.listdir(root) if name.endswith('.partial')]


def test_a_progress_bar_only_while_decoding_several_videos(tmp_path, capsys):
    root = _own_footage(tmp_path / 'own', frames=False)
    for name in ('c.mp4', 'd.mp4'):
        shutil.copy2(root / 'carphone_96x64.mp4', root / name)
    capsys.readouterr()
    _build(root, clip_length=3)
    assert 'indexing videos' in capsys.readouterr().err
    _build(root, clip_length=3)
    assert 'indexing videos' not in capsys.readouterr().err


def test_a_frame_that_does_not_decode_is_named(tmp_path):
    """Indexing and loading a frame folder name the broken frame (was OpenCV's error)."""
    from mmstvsr.datasets import CorruptFrameError
    root = _own_footage(tmp_path / 'own')
    broken = root / 'shots' / '5.png'
    broken.write_bytes(broken.read_bytes()[:200])
    with pytest.raises(CorruptFrameError, match=rf'^{re.escape(str(broken))} cannot be decoded'):
        _build(root, index_cache=False)
    with pytest.raises(CorruptFrameError, match=rf'^{re.escape(str(broken))} cannot be decoded'):
        vfd.LoadClipFrames().transform(dict(gt_path=[str(broken)]))
