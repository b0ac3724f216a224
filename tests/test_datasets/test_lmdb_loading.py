"""LoadImageFromLMDB: frames from the LMDBs of tools/dataset_converters/vimeo90k.py --lmdb.

The LMDBs are made from the real frames of tests/data/vimeo_septuplet, under tmp_path, with the
converter's own function; every frame loaded from them must equal the frame loaded from its file.
"""
import copy
import os.path as osp
import pickle
import sys

import numpy as np
import pytest
import torch
from mmagic.registry import DATASETS, TRANSFORMS
from mmengine.config import Config
from torch.utils.data import DataLoader

import mmstvsr  # noqa: F401  (registers the transforms)
from mmstvsr.datasets.transforms import LoadImageFromLMDB

lmdb = pytest.importorskip('lmdb', reason='the lmdb package is not installed '
                           '(pip install -c requirements/constraints.txt lmdb)')

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
VIMEO = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet')
SEQ = osp.join(VIMEO, 'sequences')
DATA_CFG = osp.join(ROOT, 'configs', '_base_', 'datasets')
LISTS = ['sep_trainlist.txt', 'sep_testlist.txt']

sys.path.insert(0, osp.join(ROOT, 'tools', 'dataset_converters'))
import vimeo90k  # noqa: E402


def _clips(*lists):
    return sorted({clip for name in lists for clip in open(osp.join(VIMEO, name)).read().split()})


@pytest.fixture(scope='module')
def db_path(tmp_path_factory):
    """``sequences.lmdb`` of the train and test clips, as ``vimeo90k.py --lmdb`` writes it."""
    path = str(tmp_path_factory.mktemp('lmdb') / 'sequences.lmdb')
    assert vimeo90k.make_lmdb(SEQ, vimeo90k.frames_of(_clips(*LISTS), 'septuplet'), path)
    return path


def _lmdb_pipeline(pipeline, db_path):
    """A pipeline whose LoadImageFromFile is replaced by LoadImageFromLMDB, as in the README."""
    pipeline = copy.deepcopy(pipeline)
    assert pipeline[0]['type'] == 'LoadImageFromFile'
    pipeline[0] = dict(pipeline[0], type='LoadImageFromLMDB', db_path=db_path,
                       key_root='sequences')
    return pipeline


def _dataset(ann_file, pipeline, **kwargs):
    return DATASETS.build(dict(type='VimeoSeptupletDataset', data_root=VIMEO, ann_file=ann_file,
                               pipeline=pipeline, **kwargs))


def _assert_same_items(file_item, lmdb_item):
    assert torch.equal(file_item['inputs'], lmdb_item['inputs'])
    assert torch.equal(file_item['data_samples'].gt_img, lmdb_item['data_samples'].gt_img)
    assert file_item['data_samples'].metainfo == lmdb_item['data_samples'].metainfo


@pytest.mark.parametrize('path, key_root, key', [
    ('data/vimeo_septuplet/sequences/00002/0004/im1.png', 'sequences', '00002/0004/im1'),
    ('/d/sequences/vimeo/sequences/00001/0001/im7.png', 'sequences', '00001/0001/im7'),
    ('./v/./sequences//00001/0001/im2.png', 'sequences', '00001/0001/im2'),
    ('v/sequences_BIx4/00001/0001/im3.png', 'sequences_BIx4', '00001/0001/im3'),
    ('v/vimeo/sequences/00001/0001/im3.png', 'vimeo/sequences', '00001/0001/im3'),
])
def test_lmdb_key_is_path_after_key_root(db_path, path, key_root, key):
    assert LoadImageFromLMDB('gt', db_path=db_path, key_root=key_root).lmdb_key(path) == key


@pytest.mark.parametrize('options', [
    dict(channel_order='rgb'), dict(), dict(channel_order='rgb', to_float32=True),
    dict(color_type='grayscale'), dict(channel_order='rgb', save_original_img=True,
                                       use_cache=True)])
def test_same_arrays_as_files(db_path, options):
    """Every frame of a clip, as a list and as a single path, with the loading options."""
    paths = [osp.join(SEQ, '00002', '0007', f'im{i}.png') for i in range(1, 8)]
    load_file = TRANSFORMS.build(dict(type='LoadImageFromFile', key='gt', **options))
    load_lmdb = TRANSFORMS.build(dict(type='LoadImageFromLMDB', key='gt', db_path=db_path,
                                      **options))
    for given in [paths, paths[3]]:
        expected, got = load_file(dict(gt_path=given)), load_lmdb(dict(gt_path=given))
        assert expected.keys() == got.keys()
        for name in expected:
            if name in ('gt', 'ori_gt'):  # frames: same arrays, same dtype
                frames_e, frames_g = (expected[name], got[name]) if isinstance(given, list) \
                    else ([expected[name]], [got[name]])
                assert len(frames_e) == len(frames_g)
                for e, g in zip(frames_e, frames_g):
                    assert e.dtype == g.dtype
                    np.testing.assert_array_equal(g, e)
            else:  # shapes, channel order, colour type, path
                assert got[name] == expected[name]
    assert load_lmdb(dict(gt_path=paths))['gt'][0].shape[:2] == (256, 448)


def test_test_pipeline_same_as_files(db_path):
    pipeline = Config.fromfile(osp.join(DATA_CFG, 'vimeo90k_septuplet_x4.py')).test_pipeline
    file_ds = _dataset('sep_testlist.txt', pipeline, test_mode=True)
    lmdb_ds = _dataset('sep_testlist.txt', _lmdb_pipeline(pipeline, db_path), test_mode=True)
    assert len(lmdb_ds) == len(file_ds) == 3
    for i in range(len(file_ds)):
        _assert_same_items(file_ds[i], lmdb_ds[i])


@pytest.mark.parametrize('config, kwargs', [
    ('vimeo90k_septuplet_x4.py', dict()),
    ('vimeo90k_septuplet_frames_x4.py', dict(frames_as_images=True)),
])
def test_train_pipeline_same_as_files_at_same_seed(db_path, config, kwargs):
    """Random crop, flips and temporal reversal draw the same numbers: the same patches."""
    pipeline = Config.fromfile(osp.join(DATA_CFG, config)).train_pipeline
    file_ds = _dataset('sep_trainlist.txt', pipeline, **kwargs)
    lmdb_ds = _dataset('sep_trainlist.txt', _lmdb_pipeline(pipeline, db_path), **kwargs)
    for seed, index in enumerate([0, 3, 7]):
        np.random.seed(seed)
        file_item = file_ds[index]
        np.random.seed(seed)
        _assert_same_items(file_item, lmdb_ds[index])


def test_transforms_share_the_lmdb_and_pickle(db_path):
    """Several transforms of one LMDB in a process (py-lmdb opens it once per process), and
    copies pickled for data loader workers (spawn) read it too."""
    load = LoadImageFromLMDB('gt', db_path=db_path)
    path = osp.join(SEQ, '00001', '0001', 'im1.png')
    expected = load(dict(gt_path=path))['gt']
    for other in [pickle.loads(pickle.dumps(load)), LoadImageFromLMDB('img', db_path=db_path)]:
        np.testing.assert_array_equal(other(dict(gt_path=path, img_path=path))[other.key],
                                      expected)
    assert f'db_path={db_path}, key_root=sequences)' in repr(load)


def test_forked_workers_after_main_process_read(db_path):
    """Workers forked after the main process read the LMDB reuse its environment."""
    pipeline = Config.fromfile(osp.join(DATA_CFG, 'vimeo90k_septuplet_x4.py')).test_pipeline
    file_ds = _dataset('sep_testlist.txt', pipeline, test_mode=True)
    lmdb_ds = _dataset('sep_testlist.txt', _lmdb_pipeline(pipeline, db_path), test_mode=True)
    _assert_same_items(file_ds[0], lmdb_ds[0])  # opens the LMDB in this process
    loader = DataLoader(lmdb_ds, batch_size=None, num_workers=2, collate_fn=lambda item: item,
                        multiprocessing_context='fork')
    for i, item in enumerate(loader):
        _assert_same_items(file_ds[i], item)
    assert i == 2


def test_missing_db_path():
    with pytest.raises(ValueError, match=r'needs db_path.*vimeo90k.py --lmdb'):
        TRANSFORMS.build(dict(type='LoadImageFromLMDB', key='gt'))


def test_db_path_not_an_lmdb(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'no LMDB at db_path .*nope.lmdb.*--lmdb'):
        LoadImageFromLMDB('gt', db_path=str(tmp_path / 'nope.lmdb'))


def test_backend_args_refused(db_path):
    with pytest.raises(TypeError, match='no backend_args'):
        LoadImageFromLMDB('gt', db_path=db_path, backend_args=dict(backend='lmdb'))


def test_path_without_key_root(db_path):
    load = LoadImageFromLMDB('gt', db_path=db_path, key_root='sequences_BIx4')
    with pytest.raises(ValueError, match=r"00001/0001/im1.png has no folder 'sequences_BIx4'"):
        load(dict(gt_path=osp.join(SEQ, '00001', '0001', 'im1.png')))


def test_wrong_key_root_names_key_and_db(db_path):
    """key_root one folder too high: keys start with sequences/, not in the LMDB."""
    load = LoadImageFromLMDB('gt', db_path=db_path, key_root='vimeo_septuplet')
    with pytest.raises(KeyError, match=r"'sequences/00001/0001/im1'.*sequences.lmdb.*key_root"):
        load(dict(gt_path=[osp.join(SEQ, '00001', '0001', 'im1.png')]))


def test_clip_missing_from_lmdb(tmp_path):
    """An LMDB made from other clips (here the test list) than the dataset's list."""
    path = str(tmp_path / 'sequences.lmdb')
    vimeo90k.make_lmdb(SEQ, vimeo90k.frames_of(['00002/0004'], 'septuplet'), path)
    pipeline = Config.fromfile(osp.join(DATA_CFG, 'vimeo90k_septuplet_x4.py')).test_pipeline
    ds = _dataset('sep_trainlist.txt', _lmdb_pipeline(pipeline, path), test_mode=True)
    with pytest.raises(KeyError, match=r"'00001/0001/im1'.*not found in the LMDB .*sequences.lmdb"
                       r".*use the LMDB of this set and these clips"):
        ds[0]
