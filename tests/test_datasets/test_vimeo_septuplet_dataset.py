import os
import os.path as osp
import shutil

import cv2
import pytest
from mmagic.registry import DATASETS
from mmengine.config import Config

import mmstvsr  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEST_PIPELINE = Config.fromfile(
    osp.join(ROOT, 'configs', '_base_', 'datasets', 'vimeo90k_septuplet_x4.py')).test_pipeline


def _dataset(root, ann='sep_testlist.txt', pipeline=TEST_PIPELINE, **kwargs):
    return DATASETS.build(
        dict(type='VimeoSeptupletDataset', data_root=root, ann_file=ann, pipeline=pipeline,
             **kwargs))


def test_loads_real_clips(vimeo_root):
    ds = _dataset(vimeo_root)
    assert len(ds) == 3
    item = ds[0]
    inputs, sample = item['inputs'], item['data_samples']
    assert inputs.shape == (4, 3, 64, 112)  # frames 1, 3, 5, 7 at 1/4 size
    assert sample.gt_img.shape == (7, 3, 256, 448)
    assert sample.metainfo['key'] == '00002/0004'
    assert sample.metainfo['input_indices'] == [0, 2, 4, 6]


def test_train_pipeline_crops_and_augments(vimeo_root):
    pipeline = Config.fromfile(
        osp.join(ROOT, 'configs', '_base_', 'datasets',
                 'vimeo90k_septuplet_x4.py')).train_pipeline
    ds = _dataset(vimeo_root, 'sep_trainlist.txt', pipeline)
    assert len(ds) == 8
    item = ds[1]
    assert item['inputs'].shape == (4, 3, 32, 32)
    assert item['data_samples'].gt_img.shape == (7, 3, 128, 128)


def _copy_clips(vimeo_root, tmp_path):
    root = tmp_path / 'vimeo'
    shutil.copytree(vimeo_root, root)
    return root


def test_missing_list_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='list file not found.*nope.txt'):
        _dataset(str(tmp_path), 'nope.txt')


def test_list_names_missing_clip(vimeo_root, tmp_path):
    root = _copy_clips(vimeo_root, tmp_path)
    (root / 'bad_list.txt').write_text('00002/0004\n00009/0001\n')
    with pytest.raises(FileNotFoundError, match=r'00009/0001.*bad_list.txt.*im1.png'):
        _dataset(str(root), 'bad_list.txt')


def test_missing_frame(vimeo_root, tmp_path):
    root = _copy_clips(vimeo_root, tmp_path)
    os.remove(root / 'sequences' / '00002' / '0007' / 'im5.png')
    with pytest.raises(FileNotFoundError, match=r'00002/0007.*im5.png'):
        _dataset(str(root))


def test_mismatched_frame_sizes(vimeo_root, tmp_path):
    root = _copy_clips(vimeo_root, tmp_path)
    path = str(root / 'sequences' / '00002' / '0004' / 'im3.png')
    cv2.imwrite(path, cv2.imread(path)[:200, :300])
    ds = _dataset(str(root))
    with pytest.raises(ValueError, match='im3.png'):
        ds[0]


def test_frames_as_images_for_single_image_sr(vimeo_root):
    """Every frame of the listed clips is its own item, through the S-SR pretraining config."""
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', '_base_', 'datasets', 'vimeo90k_septuplet_frames_x4.py'))
    ds = _dataset(vimeo_root, 'mini_trainlist.txt', cfg.train_pipeline, frames_as_images=True)
    assert len(ds) == 13 * 7
    assert ds.get_data_info(8)['key'] == osp.join('00001', '0002', 'im2')
    item = ds[8]
    assert item['inputs'].shape == (3, 32, 32)
    assert item['data_samples'].gt_img.shape == (3, 128, 128)
    assert item['data_samples'].metainfo['clip'] == '00001/0002'
    # the held-out test clips are not in the training list
    assert not any(ds.get_data_info(i)['clip'] in open(osp.join(vimeo_root, 'sep_testlist.txt'))
                   .read().split() for i in range(len(ds)))
