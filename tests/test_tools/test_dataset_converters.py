"""tools/dataset_converters: offline LR frames, Vimeo-90K check + LMDB, Adobe240 frames, Vid4.

All on real frames of tests/data/vimeo_septuplet, written under tmp_path.
"""
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest
from mmengine.dataset import Compose

import mmstvsr  # noqa: F401  (registers the transforms)
from mmstvsr.datasets import VimeoSeptupletDataset

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(ROOT, 'tools', 'dataset_converters')
VIMEO = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet')
SEQ = osp.join(VIMEO, 'sequences')
TEST_CLIPS = ['00002/0004', '00002/0007', '00002/0008']  # sep_testlist.txt
FRAMES = [f'im{i}.png' for i in range(1, 8)]

sys.path.insert(0, TOOLS)
import _common  # noqa: E402
import adobe240  # noqa: E402
import generate_lr  # noqa: E402
import vid4  # noqa: E402
import vimeo90k  # noqa: E402


def _files(root):
    """All files under a folder, relative, sorted (hidden and temporary ones included)."""
    return sorted(osp.relpath(osp.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def _temp_files(root):
    return [f for f in _files(root) if f.endswith(_common.TMP_SUFFIX) or '.partial' in f]


def _mtimes(root):
    return {f: os.stat(osp.join(root, f)).st_mtime_ns for f in _files(root)}


def _link_clips(seq_root, clips):
    """A sequences/ folder in tmp_path whose clip folders link to the real test clips."""
    for clip in clips:
        os.makedirs(osp.dirname(osp.join(seq_root, clip)), exist_ok=True)
        os.symlink(osp.join(SEQ, clip), osp.join(seq_root, clip))


def _online_lr(gt_path, scale=4):
    """LR frame(s) as the data pipeline makes them (RGB), for one image file."""
    pipeline = Compose([dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
                        dict(type='MATLABBicubicDownsample', scale=scale)])
    return pipeline(dict(gt_path=gt_path))['img']


def _read_rgb(path):
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert img is not None, path
    return img[..., ::-1]


# ------------------------------------------------------------------ generate_lr


def test_generate_lr_is_bit_identical_to_online_transform(tmp_path, capsys):
    lr_root = tmp_path / 'lr'
    rc = generate_lr.main(['--gt-root', SEQ, '--lr-root', str(lr_root), '--list',
                           osp.join(VIMEO, 'sep_testlist.txt')])
    assert rc == 0, capsys.readouterr().err
    assert _files(lr_root) == sorted(f'{c}/{f}' for c in TEST_CLIPS for f in FRAMES)
    # the dataset + pipeline of the configs, every frame of every test clip downsampled
    dataset = VimeoSeptupletDataset(
        ann_file='sep_testlist.txt', data_root=VIMEO, test_mode=True,
        pipeline=[dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
                  dict(type='MATLABBicubicDownsample', scale=4, frame_indices=list(range(7)))])
    for i, data in enumerate(dataset.data_list):
        online = dataset[i]['img']
        assert len(online) == 7
        for path, lr in zip(data['gt_path'], online):
            offline = _read_rgb(lr_root / osp.relpath(path, SEQ))
            assert offline.shape == (64, 112, 3)
            np.testing.assert_array_equal(offline, lr)


def test_generate_lr_mod_crops_like_online_transform(tmp_path):
    # real frames cut to sizes that are no multiple of the scale, in nested folders, no list
    gt_root, lr_root = tmp_path / 'gt', tmp_path / 'lr'
    frame = cv2.imread(osp.join(SEQ, '00001/0001/im4.png'))
    sizes = {'a/x.png': (255, 447), 'a/b/y.png': (130, 97), 'z.bmp': (64, 66)}
    for name, (h, w) in sizes.items():
        (gt_root / name).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(gt_root / name), frame[:h, -w:])
    assert generate_lr.main(['--gt-root', str(gt_root), '--lr-root', str(lr_root),
                             '--scale', '3']) == 0
    assert _files(lr_root) == sorted(sizes)
    for name, (h, w) in sizes.items():
        offline = _read_rgb(lr_root / name)
        assert offline.shape == (h // 3, w // 3, 3)
        np.testing.assert_array_equal(offline, _online_lr(str(gt_root / name), scale=3))


def test_generate_lr_keeps_existing_output_and_resumes(tmp_path):
    gt_root, lr_root = tmp_path / 'gt', tmp_path / 'lr'
    _link_clips(str(gt_root), ['00001/0001'])
    args = dict(gt_root=str(gt_root), lr_root=str(lr_root), clips=['00001/0001'])
    # a pre-existing output is kept, whatever it holds
    keep = lr_root / '00001/0001/im1.png'
    keep.parent.mkdir(parents=True)
    keep.write_bytes(b'pre-existing')
    assert generate_lr.generate_lr(**args) == (6, 1)
    assert keep.read_bytes() == b'pre-existing'
    # a second run writes nothing
    before = _mtimes(lr_root)
    assert generate_lr.generate_lr(**args) == (0, 7)
    assert _mtimes(lr_root) == before
    # a deleted output is written again, and only that one
    (lr_root / '00001/0001/im5.png').unlink()
    assert generate_lr.generate_lr(**args) == (1, 6)
    after = _mtimes(lr_root)
    assert [f for f in after if after[f] != before.get(f)] == ['00001/0001/im5.png']
    # --overwrite rewrites everything, the pre-existing file included
    assert generate_lr.main(['--gt-root', str(gt_root), '--lr-root', str(lr_root),
                             '--overwrite']) == 0
    online = _online_lr(osp.join(SEQ, '00001/0001/im1.png'))
    np.testing.assert_array_equal(_read_rgb(keep), online)
    assert not _temp_files(lr_root)


def test_generate_lr_interrupted_run_resumes(tmp_path, monkeypatch, capsys):
    gt_root, lr_root = tmp_path / 'gt', tmp_path / 'lr'
    _link_clips(str(gt_root), ['00001/0002'])
    argv = ['--gt-root', str(gt_root), '--lr-root', str(lr_root)]
    real_write = _common.atomic_write
    calls = []

    def killed_on_fourth_write(path, data):
        calls.append(path)
        if len(calls) == 4:  # interrupted half-way through writing the 4th file
            tmp = osp.join(osp.dirname(path), f'.{osp.basename(path)}.99999.partial')
            with open(tmp, 'wb') as f:  # as if SIGKILL hit during the write
                f.write(bytes(data)[:100])
            raise KeyboardInterrupt
        real_write(path, data)

    monkeypatch.setattr(_common, 'atomic_write', killed_on_fourth_write)
    assert generate_lr.main(argv) == 130
    assert 'run the same command again' in capsys.readouterr().err
    written = [f for f in _files(lr_root) if not f.endswith('.partial')]
    assert len(written) == 3 and len(_temp_files(lr_root)) == 1
    for f in written:  # finished files are complete images
        assert cv2.imread(str(lr_root / f)).shape == (64, 112, 3)
    monkeypatch.setattr(_common, 'atomic_write', real_write)
    assert generate_lr.main(argv) == 0
    out = capsys.readouterr().out
    assert 'removed 1 unfinished file' in out and '3 LR frames exist already' in out
    assert _files(lr_root) == [f'00001/0002/{f}' for f in FRAMES]
    assert not _temp_files(lr_root)


def test_generate_lr_workers(tmp_path, capsys):
    gt_root = tmp_path / 'gt'
    _link_clips(str(gt_root), ['00001/0006', '00001/0007'])
    one, two = tmp_path / 'lr1', tmp_path / 'lr2'
    assert generate_lr.main(['--gt-root', str(gt_root), '--lr-root', str(one)]) == 0
    assert generate_lr.main(['--gt-root', str(gt_root), '--lr-root', str(two), '--workers',
                             '2']) == 0
    assert _files(one) == _files(two) and len(_files(two)) == 14
    for name in _files(one):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    # an error in a worker process stops the run with the message
    (gt_root / 'bad').mkdir()
    (gt_root / 'bad' / 'im1.png').write_bytes(b'')
    assert generate_lr.main(['--gt-root', str(gt_root), '--lr-root', str(tmp_path / 'lr3'),
                             '--workers', '2']) == 1
    assert 'cannot decode image' in capsys.readouterr().err


def test_atomic_write_never_leaves_a_partial_file(tmp_path):
    target = tmp_path / 'x.png'
    with pytest.raises(TypeError):
        _common.atomic_write(str(target), object())  # fails while writing
    assert _files(tmp_path) == []
    _common.atomic_write(str(target), b'abc')
    assert _files(tmp_path) == ['x.png'] and target.read_bytes() == b'abc'


def test_generate_lr_errors(tmp_path, capsys):
    lr = str(tmp_path / 'lr')

    def fails(argv, *expected):
        assert generate_lr.main(argv) == 1
        err = capsys.readouterr().err
        for text in expected:
            assert text in err, err

    fails(['--gt-root', str(tmp_path / 'nope'), '--lr-root', lr], 'GT root', 'does not exist')
    # a list naming a missing clip; the hint points at sequences/ when the root is the dataset's
    bad_list = tmp_path / 'list.txt'
    bad_list.write_text('00002/0004\n00009/0001\n')
    fails(['--gt-root', SEQ, '--lr-root', lr, '--list', str(bad_list)],
          '1 of the 2 clip folder(s)', '00009/0001', str(bad_list))
    fails(['--gt-root', VIMEO, '--lr-root', lr, '--list', osp.join(VIMEO, 'sep_testlist.txt')],
          'pass that as --gt-root')
    fails(['--gt-root', SEQ, '--lr-root', lr, '--list', str(tmp_path / 'missing.txt')],
          'list file', 'does not exist')
    # an unreadable (truncated real) image
    gt = tmp_path / 'gt'
    gt.mkdir()
    (gt / 'im1.png').write_bytes(open(osp.join(SEQ, '00001/0001/im1.png'), 'rb').read()[:5000])
    fails(['--gt-root', str(gt), '--lr-root', lr], 'cannot decode image', 'im1.png')
    assert not _temp_files(lr)
    fails(['--gt-root', str(gt), '--lr-root', str(gt / 'lr')], 'inside the GT root')
    with pytest.raises(SystemExit):  # argparse rejects a bad scale
        generate_lr.main(['--gt-root', str(gt), '--lr-root', lr, '--scale', '0'])
    # the script itself exits non-zero with the message
    res = subprocess.run([sys.executable, osp.join(TOOLS, 'generate_lr.py'), '--gt-root',
                          str(tmp_path / 'nope'), '--lr-root', lr], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 1 and 'GT root' in res.stderr and 'Traceback' not in res.stderr


# ------------------------------------------------------------------ Vimeo-90K


def test_read_list_file_without_trailing_newline(tmp_path):
    path = tmp_path / 'fast_testset.txt'
    path.write_bytes(b'00002/0004\r\n\n00002/0007\n00002/0004\n00002/0008')
    assert _common.read_list_file(str(path)) == TEST_CLIPS


def test_vimeo_check_real_root(capsys):
    kind, clips = vimeo90k.check_vimeo(VIMEO)
    assert kind == 'septuplet'
    assert clips == sorted(_common.read_list_file(osp.join(VIMEO, 'sep_trainlist.txt')) +
                           TEST_CLIPS)
    out = capsys.readouterr().out
    assert 'sep_testlist.txt: 3 clips, all complete' in out
    assert 'medium_testset.txt: not found, skipped' in out


def test_vimeo_check_reports_missing_clips(tmp_path, capsys):
    root = tmp_path / 'vimeo'
    _link_clips(str(root / 'sequences'), ['00002/0004'])
    shutil.copytree(osp.join(SEQ, '00002/0007'), root / 'sequences/00002/0007')
    (root / 'sequences/00002/0007/im5.png').unlink()
    (root / 'sep_testlist.txt').write_text('\n'.join(TEST_CLIPS))  # no trailing newline
    (root / 'fast_testset.txt').write_text('00002/0004')
    assert vimeo90k.main([str(root)]) == 1
    err = capsys.readouterr().err
    assert 'sep_trainlist.txt: list file missing' in err
    assert 'sep_testlist.txt: 2 of 3 clips incomplete' in err
    assert '00002/0007 (missing im5.png)' in err and '00002/0008 (folder missing)' in err
    assert 'fast_testset.txt' not in err  # its clip is complete
    assert vimeo90k.main([str(root), '--lists', 'fast_testset.txt']) == 0
    assert 'fast_testset.txt: 1 clips, all complete' in capsys.readouterr().out
    assert vimeo90k.main([str(tmp_path / 'none')]) == 1
    assert 'Vimeo-90K root' in capsys.readouterr().err
    (root / 'sep_testlist.txt').unlink()
    assert vimeo90k.main([str(root)]) == 1
    assert 'no Vimeo-90K list file' in capsys.readouterr().err
    # the triplet set: im1..im3 per clip, found from its list names
    (root / 'tri_testlist.txt').write_text('00002/0004\n00002/0007\n')
    assert vimeo90k.check_vimeo(str(root), lists=['tri_testlist.txt']) == (
        'triplet', ['00002/0004', '00002/0007'])  # 0007 lacks im5 only, not a triplet frame
    assert vimeo90k.main([str(root)]) == 1
    assert 'tri_trainlist.txt: list file missing' in capsys.readouterr().err


def test_vimeo_verify_names_the_frames_that_do_not_decode(tmp_path):
    """One truncated PNG: the existence check still passes (and says frames were not decoded),
    ``--verify`` decodes every frame and fails naming the file, clip by clip."""
    root = tmp_path / 'vimeo'
    _link_clips(str(root / 'sequences'), ['00002/0004', '00002/0008'])
    shutil.copytree(osp.join(SEQ, '00002/0007'), root / 'sequences/00002/0007')
    bad = root / 'sequences/00002/0007/im3.png'
    bad.write_bytes(bad.read_bytes()[:200])
    (root / 'sequences/00002/0007/im6.png').write_bytes(b'')
    for name in ('sep_testlist.txt', 'fast_testset.txt'):
        shutil.copy(osp.join(VIMEO, name), root)
    script = osp.join(TOOLS, 'vimeo90k.py')

    def run(*args):
        return subprocess.run([sys.executable, script, str(root), '--lists', 'sep_testlist.txt',
                               'fast_testset.txt'] + list(args), capture_output=True, text=True,
                              timeout=300, cwd=ROOT)

    res = run()
    assert res.returncode == 0, res.stderr
    assert 'sep_testlist.txt: 3 clips, all complete' in res.stdout
    assert 'pass --verify to decode every frame' in res.stdout
    for args in ([], ['--workers', '2']):
        res = run('--verify', *args)
        assert res.returncode == 1, res.stdout + res.stderr
        assert 'Traceback' not in res.stderr
        assert 'sep_testlist.txt: 1 of 3 clips incomplete: 00002/0007 (im3.png, im6.png do not ' \
            'decode)' in res.stderr
        assert '2 frames do not decode, in 1 clip:' in res.stderr
        lines = res.stderr.splitlines()
        clip = lines.index('  clip 00002/0007:')
        assert lines[clip + 1] == (f'    {bad} cannot be decoded as an image (truncated or '
                                   'corrupt, 200 bytes)')
        assert lines[clip + 2] == f'    {bad.parent / "im6.png"} is empty (0 bytes)'
        assert 'fast_testset.txt' not in res.stderr  # 00002/0007 is not in the fast list
    # the intact clips pass
    res = run('--verify', '--lists', 'fast_testset.txt')
    assert res.returncode == 0, res.stderr
    assert 'fast_testset.txt: 1 clips, all complete, every frame decodes' in res.stdout


def test_vimeo_lr_and_lmdb_round_trip(tmp_path, capsys):
    pytest.importorskip('lmdb', reason='the lmdb package is not installed '
                        '(pip install -c requirements/constraints.txt lmdb)')
    import mmcv
    from mmengine.fileio import LmdbBackend
    root = tmp_path / 'vimeo'
    _link_clips(str(root / 'sequences'), TEST_CLIPS)
    shutil.copy(osp.join(VIMEO, 'sep_testlist.txt'), root)
    argv = [str(root), '--lists', 'sep_testlist.txt', '--make-lr', '--lmdb']
    assert vimeo90k.main(argv) == 0, capsys.readouterr().err
    lr_root = root / 'sequences_BIx4'
    assert _files(lr_root) == sorted(f'{c}/{f}' for c in TEST_CLIPS for f in FRAMES)
    for name, src, shape in [('sequences.lmdb', root / 'sequences', (256, 448, 3)),
                             ('sequences_BIx4.lmdb', lr_root, (64, 112, 3))]:
        db = root / name
        assert sorted(os.listdir(db)) == ['data.mdb', 'lock.mdb', 'meta_info.txt']
        meta = (db / 'meta_info.txt').read_text().splitlines()
        assert len(meta) == 21
        assert meta[0] == f'00002/0004/im1.png ({shape[0]},{shape[1]},{shape[2]}) 1'
        backend = LmdbBackend(str(db))
        for line in meta:
            key = line.split()[0][:-len('.png')]
            img = mmcv.imfrombytes(backend.get(key), flag='color', channel_order='rgb')
            np.testing.assert_array_equal(img, _read_rgb(src / f'{key}.png'))
        assert backend.get('00002/0004/im1.png') is None  # keys have no extension
    # a second run keeps both LMDBs and all LR frames
    before = _mtimes(root / 'sequences.lmdb')
    capsys.readouterr()
    assert vimeo90k.main(argv) == 0
    out = capsys.readouterr().out
    assert out.count('exists: kept as it is') == 2 and '21 LR frames exist already' in out
    assert _mtimes(root / 'sequences.lmdb') == before
    # a temporary LMDB of an interrupted run is removed; --overwrite rebuilds
    (root / 'sequences.lmdb.partial').mkdir()
    (root / 'sequences.lmdb.partial' / 'data.mdb').write_bytes(b'junk')
    assert vimeo90k.main(argv[:-1] + ['--lmdb', '--overwrite']) == 0
    assert not osp.exists(root / 'sequences.lmdb.partial')
    assert len((root / 'sequences.lmdb' / 'meta_info.txt').read_text().splitlines()) == 21
    assert not _temp_files(root)


# ------------------------------------------------------------------ Adobe240 and Vid4


def _write_video(path, clip):
    """Encode the 7 real frames of a Vimeo clip as a video file."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 30, (448, 256))
    assert writer.isOpened()
    for name in FRAMES:
        writer.write(cv2.imread(osp.join(SEQ, clip, name)))
    writer.release()


def test_adobe240_extracts_resumes_and_skips(tmp_path, capsys):
    videos, out = tmp_path / 'videos', tmp_path / 'frames'
    videos.mkdir()
    _write_video(videos / 'IMG_0001.mp4', '00001/0003')
    _write_video(videos / 'IMG_0002.mp4', '00002/0004')
    # clip IMG_0002 was interrupted after 2 frames (one a sentinel to show it is kept)
    partial = out / '.IMG_0002.partial'
    partial.mkdir(parents=True)
    sentinel = cv2.imread(osp.join(SEQ, '00001/0001/im1.png'))
    cv2.imwrite(str(partial / '00000.png'), sentinel)
    (partial / '.00001.png.123.partial').write_bytes(b'half')
    assert adobe240.main([str(videos), str(out)]) == 0, capsys.readouterr().err
    expected = [f'{i:05d}.png' for i in range(7)]
    assert sorted(os.listdir(out)) == ['IMG_0001', 'IMG_0002']
    for clip in ('IMG_0001', 'IMG_0002'):
        assert sorted(os.listdir(out / clip)) == expected
    cap = cv2.VideoCapture(str(videos / 'IMG_0001.mp4'))
    for name in expected:
        ok, frame = cap.read()
        assert ok and frame.shape == (256, 448, 3)
        np.testing.assert_array_equal(cv2.imread(str(out / 'IMG_0001' / name)), frame)
    np.testing.assert_array_equal(cv2.imread(str(out / 'IMG_0002/00000.png')), sentinel)
    # complete clips are skipped
    before = _mtimes(out)
    assert adobe240.main([str(videos), str(out)]) == 0
    assert '2 clip folders exist already' in capsys.readouterr().out
    assert _mtimes(out) == before
    # --max-frames, with --overwrite replacing a clip
    assert adobe240.main([str(videos), str(out), '--max-frames', '3', '--overwrite']) == 0
    assert sorted(os.listdir(out / 'IMG_0002')) == expected[:3]
    assert not _temp_files(out)


def test_adobe240_errors(tmp_path, capsys):
    videos, out = tmp_path / 'videos', tmp_path / 'frames'
    videos.mkdir()
    _write_video(videos / 'good.mov', '00001/0004')
    (videos / 'broken.mp4').write_bytes(b'not a video\n' * 100)
    res = subprocess.run([sys.executable, osp.join(TOOLS, 'adobe240.py'), str(videos), str(out)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 1 and 'Traceback' not in res.stderr
    assert '1 of 2 videos could not be read' in res.stderr and 'broken.mp4' in res.stderr
    assert sorted(os.listdir(out)) == ['good']  # the readable one is extracted, nothing partial
    assert len(os.listdir(out / 'good')) == 7
    assert adobe240.main([str(tmp_path / 'none'), str(out)]) == 1
    assert 'video folder' in capsys.readouterr().err
    (videos / 'good.mp4').write_bytes(b'')
    assert adobe240.main([str(videos), str(out)]) == 1
    assert 'same name' in capsys.readouterr().err


def test_vid4_lr(tmp_path, capsys):
    root = tmp_path / 'vid4'
    for clip, src in [('calendar', '00001/0005'), ('walk', '00002/0001')]:
        (root / 'GT').mkdir(parents=True, exist_ok=True)
        os.symlink(osp.join(SEQ, src), root / 'GT' / clip)
    assert vid4.main([str(root)]) == 0, capsys.readouterr().err
    assert _files(root / 'BIx4') == sorted(f'{c}/{f}' for c in ('calendar', 'walk')
                                           for f in FRAMES)
    for name in ('calendar/im2.png', 'walk/im7.png'):
        np.testing.assert_array_equal(_read_rgb(root / 'BIx4' / name),
                                      _online_lr(str(root / 'GT' / name)))
    assert vid4.main([str(tmp_path)]) == 1
    assert 'Vid4 GT folder' in capsys.readouterr().err
