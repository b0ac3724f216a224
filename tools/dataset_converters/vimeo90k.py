"""Check a Vimeo-90K download against its list files; optionally make the LR set and LMDB files.

A Vimeo-90K root holds ``sequences/<video>/<clip>/im1.png ..`` (``im7.png`` for the septuplet
set, ``im3.png`` for the triplet set) and the list files naming one clip ``<video>/<clip>`` per
line. The septuplet lists are ``sep_trainlist.txt``, ``sep_testlist.txt`` and, for the space-time
SR test protocol, ``fast_testset.txt``, ``medium_testset.txt``, ``slow_testset.txt`` (optional);
the triplet lists ``tri_trainlist.txt`` and ``tri_testlist.txt``. Every frame of every listed clip
is checked to exist and the incomplete clips are reported, list by list (exit status 1).
``--verify`` also decodes every frame, as the data pipeline does (``--workers`` processes), and
reports the frames that do not decode (truncated or corrupt), clip by clip, with their paths.

``--make-lr`` then makes the LR frames of the listed clips with ``generate_lr.py`` (bit-identical
to the online ``MATLABBicubicDownsample``) under ``<root>/sequences_BIx<scale>`` (``--lr-root``),
keeping the ``<video>/<clip>/imN.png`` layout. ``--lmdb`` writes one LMDB per set (GT, and LR with
``--make-lr``) in ``<root>/sequences.lmdb`` and ``<root>/sequences_BIx<scale>.lmdb`` (folder name +
``.lmdb``, under ``--lmdb-root``), readable by MMEngine's ``LmdbBackend`` as MMagic's LMDB tools
write them: the key of a frame is its path relative to the set folder without extension
(``00001/0001/im1``), the value its PNG bytes (compression level ``--compress-level``), and
``meta_info.txt`` has one line per frame, ``<key>.png (H,W,C) <compression level>``.

Finished work is kept: existing LR frames are skipped, an existing LMDB is left as it is (pass
``--overwrite`` to rebuild them); LMDBs are written in a ``.partial`` folder renamed when complete,
so a run started again after an interruption completes what is missing.

Usage:
    # check only: every frame exists (fast), or every frame also decodes (--verify)
    python tools/dataset_converters/vimeo90k.py data/vimeo_septuplet
    python tools/dataset_converters/vimeo90k.py data/vimeo_septuplet --verify --workers 8
    # check, make the x4 LR set and LMDBs of GT and LR, in 2 processes
    python tools/dataset_converters/vimeo90k.py data/vimeo_septuplet --make-lr --lmdb --workers 2
"""
import argparse
import functools
import os
import os.path as osp
import shutil
import sys

import cv2
from _common import (TMP_SUFFIX, ConversionError, check_dir, encode_image, find_undecodable,
                     format_list, read_image, read_list_file, run_cli, run_tasks)
from generate_lr import add_lr_arguments, generate_lr

#: Frames of a clip and standard list files (required, optional) of each Vimeo-90K set.
KINDS = {
    'septuplet': dict(
        frames=[f'im{i}.png' for i in range(1, 8)],
        required=['sep_trainlist.txt', 'sep_testlist.txt'],
        optional=['fast_testset.txt', 'medium_testset.txt', 'slow_testset.txt']),
    'triplet': dict(
        frames=[f'im{i}.png' for i in range(1, 4)],
        required=['tri_trainlist.txt', 'tri_testlist.txt'],
        optional=[]),
}


def detect_kind(root):
    """``'septuplet'`` or ``'triplet'``, from the list files found in a Vimeo-90K root."""
    for kind, spec in KINDS.items():
        if any(osp.isfile(osp.join(root, name)) for name in spec['required']):
            return kind
    names = [name for spec in KINDS.values() for name in spec['required']]
    raise ConversionError(f'no Vimeo-90K list file in {root} (looked for {", ".join(names)}): '
                          'pass the dataset root, or name the set with --kind and its lists '
                          'with --lists')


def _list_files(root, spec, lists, problems):
    """The list files to check: ``lists``, or the standard lists of the set found in ``root``.

    Args:
        root (str): Vimeo-90K root.
        spec (dict): The set's entry of :data:`KINDS`.
        lists (Sequence[str] | None): List files named by the user (see :func:`check_vimeo`).
        problems (list[str]): Gets a line for each required standard list missing.

    Returns:
        list[str]: Paths of the list files.
    """
    if lists:  # relative to the root, else as given (absolute, or relative to the current folder)
        return [name if not osp.isfile(osp.join(root, name)) and osp.isfile(name)
                else osp.join(root, name) for name in lists]
    paths = []
    for name in spec['required'] + spec['optional']:
        path = osp.join(root, name)
        if osp.isfile(path):
            paths.append(path)
        elif name in spec['required']:
            problems.append(f'{name}: list file missing from {root} (it comes with the official '
                            'download)')
        else:
            print(f'{name}: not found, skipped (optional)')
    return paths


def _missing_frames(folder, frames):
    """``'folder missing'``, ``'missing im5.png'`` or None (every frame of the clip exists)."""
    if not osp.isdir(folder):
        return 'folder missing'
    missing = [f for f in frames if not osp.isfile(osp.join(folder, f))]
    return f'missing {", ".join(missing)}' if missing else None


def _undecodable_frames(seq_root, clips, frames, workers):
    """Decode every existing frame of the clips; the frames that fail, clip by clip.

    Args:
        seq_root (str): The ``sequences/`` folder.
        clips (Sequence[str]): Clips ``<video>/<clip>``.
        frames (Sequence[str]): Frame file names of a clip.
        workers (int): Processes.

    Returns:
        dict[str, dict[str, str]]: ``{clip: {frame path: problem}}`` of the clips with a frame
        that does not decode.
    """
    clip_of = {osp.join(seq_root, clip, name): clip for clip in clips for name in frames}
    paths = [path for path in clip_of if osp.isfile(path)]
    corrupt = {}
    for path, problem in find_undecodable(paths, workers).items():
        corrupt.setdefault(clip_of[path], {})[path] = problem
    return corrupt


def _clip_problem(clip, missing, corrupt):
    """A clip's entry in a list's report, e.g. ``'00001/0001 (im3.png does not decode)'``."""
    parts = [missing] if missing else []
    if corrupt:
        names = [osp.basename(path) for path in corrupt]
        parts.append(f'{", ".join(names)} {"does" if len(names) == 1 else "do"} not decode')
    return f'{clip} ({"; ".join(parts)})'


def _corrupt_report(corrupt):
    """The frames that do not decode, clip by clip, with their paths and problems."""
    count = sum(len(frames) for frames in corrupt.values())
    subject = f'{count} frames do' if count > 1 else '1 frame does'
    where = f'{len(corrupt)} clips' if len(corrupt) > 1 else '1 clip'
    lines = [f'{subject} not decode, in {where}:']
    for clip, problems in corrupt.items():
        lines.append(f'  clip {clip}:')
        lines.extend(f'    {path} {problem}' for path, problem in problems.items())
    return '\n'.join(lines)


def check_vimeo(root, kind='auto', lists=None, verify=False, workers=1):
    """Check every frame of every clip of the list files, and print a summary, list by list.

    Without ``verify`` the frames are only checked to exist; with it every frame is also decoded
    as the data pipeline decodes it, and those that fail (truncated or corrupt) are reported.

    Args:
        root (str): Vimeo-90K root (holding ``sequences/`` and the list files).
        kind (str): ``'septuplet'``, ``'triplet'`` or ``'auto'`` (from the list files).
            Default: 'auto'.
        lists (Sequence[str] | None): List files to check, relative to ``root`` (or to the
            current folder, or absolute, when not found under ``root``).
            Default: None, the standard lists of ``kind`` (train and test lists required, the
            fast / medium / slow lists checked when present).
        verify (bool): Decode every frame of the listed clips. Default: False.
        workers (int): Processes decoding frames. Default: 1.

    Returns:
        tuple[str, list[str]]: The set kind and the sorted clips named by the lists.
    """
    check_dir(root, 'Vimeo-90K root', 'pass the folder holding sequences/ and the list files')
    seq_root = osp.join(root, 'sequences')
    check_dir(seq_root, 'Vimeo-90K frame folder',
              'the root must hold sequences/<video>/<clip>/im1.png ..; unpack the download there')
    kind = detect_kind(root) if kind == 'auto' else kind
    frames = KINDS[kind]['frames']
    problems = []
    paths = _list_files(root, KINDS[kind], lists, problems)
    listed = {path: read_list_file(path) for path in paths}
    clips = sorted(set().union(*listed.values()))
    missing = {clip: _missing_frames(osp.join(seq_root, clip), frames) for clip in clips}
    corrupt = _undecodable_frames(seq_root, clips, frames, workers) if verify else {}
    for path, names in listed.items():
        name = osp.basename(path)
        incomplete = [_clip_problem(clip, missing[clip], corrupt.get(clip))
                      for clip in names if missing[clip] or clip in corrupt]
        if incomplete:
            problems.append(f'{name}: {len(incomplete)} of {len(names)} clips incomplete: '
                            f'{format_list(incomplete)}')
        elif not names:
            problems.append(f'{name}: names no clip')
        else:
            print(f'{name}: {len(names)} clips, all complete' +
                  (', every frame decodes' if verify else ''))
    if problems:
        raise ConversionError(
            f'the Vimeo-90K {kind} set in {root} does not match its list files:\n  ' +
            '\n  '.join(problems) + (f'\n{_corrupt_report(corrupt)}' if corrupt else '') +
            '\nRe-download or unpack the missing clips, replace the frames that do not decode '
            'with the files of the original download (or fix the list files) and run again')
    if not verify:
        print('every listed frame exists; the frames were not decoded: pass --verify to decode '
              'every frame')
    return kind, clips


def encode_lmdb_value(rel_path, src_root, compress_level):
    """Read a frame unchanged and encode it as PNG for an LMDB, as MMagic's tools do.

    Args:
        rel_path (str): Frame path relative to ``src_root``.
        src_root (str): Set folder.
        compress_level (int): PNG compression level (0-9).

    Returns:
        tuple[str, numpy.ndarray, str]: LMDB key (``rel_path`` without extension), PNG bytes and
        the ``meta_info.txt`` line.
    """
    img = read_image(osp.join(src_root, rel_path), cv2.IMREAD_UNCHANGED)
    buf = encode_image(img, '.png', [cv2.IMWRITE_PNG_COMPRESSION, compress_level])
    h, w = img.shape[:2]
    c = img.shape[2] if img.ndim == 3 else 1
    key = osp.splitext(rel_path)[0]
    return key, buf, f'{key}.png ({h},{w},{c}) {compress_level}'


def _put_batch(env, items):
    """Write (key, value) pairs in one transaction, growing the map when it is full."""
    import lmdb
    while True:
        try:
            with env.begin(write=True) as txn:
                for key, value in items:
                    txn.put(key.encode('ascii'), value)
            return
        except lmdb.MapFullError:  # the transaction was aborted: grow the map and retry
            env.set_mapsize(env.info()['map_size'] * 2)


def make_lmdb(src_root, rel_paths, lmdb_path, workers=1, overwrite=False, compress_level=1,
              batch=1000):
    """Write frames into an LMDB readable by MMEngine's ``LmdbBackend`` (MMagic's layout).

    The LMDB is written in ``<lmdb_path>.partial`` and renamed when complete; an existing LMDB is
    kept unless ``overwrite``.

    Args:
        src_root (str): Set folder the frame paths are relative to.
        rel_paths (Sequence[str]): Frame paths (``/``-separated, ASCII); keys are these without
            extension.
        lmdb_path (str): Output LMDB folder, e.g. ``<root>/sequences.lmdb``.
        workers (int): Processes reading and encoding frames. Default: 1.
        overwrite (bool): Rebuild an existing LMDB. Default: False.
        compress_level (int): PNG compression level (0-9). Default: 1, as MMagic.
        batch (int): Frames per write transaction. Default: 1000.

    Returns:
        bool: Whether the LMDB was written (False: it existed and was kept).
    """
    try:
        import lmdb
    except ImportError as err:
        raise ConversionError('the lmdb package is needed for --lmdb: install it with '
                              '.venv/bin/pip install -c requirements/constraints.txt lmdb') from err
    if osp.exists(lmdb_path) and not overwrite:
        print(f'{lmdb_path} exists: kept as it is (pass --overwrite to rebuild it)')
        return False
    bad = [p for p in rel_paths if not p.isascii()]
    if bad:
        raise ConversionError(f'LMDB keys must be ASCII; these frame paths are not: '
                              f'{format_list(bad)}')
    tmp = lmdb_path + TMP_SUFFIX
    if osp.exists(tmp):
        print(f'removing {tmp}, left by an interrupted run')
        shutil.rmtree(tmp)
    first = encode_lmdb_value(rel_paths[0], src_root, compress_level)[1]
    env = lmdb.open(tmp, map_size=max(64 << 20, 2 * first.nbytes * len(rel_paths)))
    meta, items = [], []
    try:
        work = functools.partial(encode_lmdb_value, src_root=src_root,
                                 compress_level=compress_level)
        for key, value, line in run_tasks(work, rel_paths, workers,
                                          desc=osp.basename(lmdb_path)):
            items.append((key, value))
            meta.append(line)
            if len(items) >= batch:
                _put_batch(env, items)
                items = []
        _put_batch(env, items)
        env.sync()
    finally:
        env.close()
    with open(osp.join(tmp, 'meta_info.txt'), 'w') as f:
        f.write(''.join(line + '\n' for line in meta))
    if osp.exists(lmdb_path):
        shutil.rmtree(lmdb_path)
    os.rename(tmp, lmdb_path)
    print(f'wrote {lmdb_path}: {len(meta)} frames')
    return True


def frames_of(clips, kind):
    """Frame paths ``<video>/<clip>/imN.png`` of clips."""
    return [f'{clip}/{name}' for clip in clips for name in KINDS[kind]['frames']]


def prepare_vimeo(root, kind='auto', lists=None, verify=False, make_lr=False, lr_root=None,
                  scale=4, lmdb=False, lmdb_root=None, workers=1, overwrite=False,
                  compress_level=1):
    """Check a Vimeo-90K root, then optionally make its LR set and LMDB files.

    Args:
        root (str): Vimeo-90K root.
        kind (str): ``'septuplet'``, ``'triplet'`` or ``'auto'``. Default: 'auto'.
        lists (Sequence[str] | None): List files (see :func:`check_vimeo`). Default: None.
        verify (bool): Decode every frame of the listed clips. Default: False.
        make_lr (bool): Make the LR frames of the listed clips. Default: False.
        lr_root (str | None): LR set folder. Default: ``<root>/sequences_BIx<scale>``.
        scale (int): Downsampling factor. Default: 4.
        lmdb (bool): Write an LMDB per set (GT, and LR with ``make_lr``). Default: False.
        lmdb_root (str | None): Folder of the LMDBs. Default: ``root``.
        workers (int): Processes. Default: 1.
        overwrite (bool): Rewrite existing LR frames and LMDBs. Default: False.
        compress_level (int): PNG compression level in the LMDBs. Default: 1.
    """
    kind, clips = check_vimeo(root, kind, lists, verify=verify, workers=workers)
    gt_root = osp.join(root, 'sequences')
    lr_root = lr_root or osp.join(root, f'sequences_BIx{scale}')
    if make_lr:
        generate_lr(gt_root, lr_root, scale=scale, clips=clips, workers=workers,
                    overwrite=overwrite)
    if lmdb:
        lmdb_root = lmdb_root or root
        os.makedirs(lmdb_root, exist_ok=True)
        frames = frames_of(clips, kind)
        for src in [gt_root] + ([lr_root] if make_lr else []):
            name = osp.basename(osp.normpath(src)) + '.lmdb'
            make_lmdb(src, frames, osp.join(lmdb_root, name), workers=workers,
                      overwrite=overwrite, compress_level=compress_level)


def parse_args(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Check a Vimeo-90K download against its list files; optionally make its LR '
        'set and LMDB files.', formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('Usage:')[1])
    parser.add_argument('root', help='Vimeo-90K root holding sequences/ and the list files')
    parser.add_argument('--kind', choices=['auto', 'septuplet', 'triplet'], default='auto',
                        help='which set (default: from the list files found)')
    parser.add_argument('--lists', nargs='+',
                        help='list files to check, relative to the root (default: the standard '
                        'lists of the set)')
    parser.add_argument('--verify', action='store_true',
                        help='also decode every frame of the listed clips and report those that '
                        'do not decode (truncated or corrupt); slower')
    parser.add_argument('--make-lr', action='store_true',
                        help='make the LR frames of the listed clips (generate_lr.py)')
    parser.add_argument('--lr-root', help='LR set folder (default: <root>/sequences_BIx<scale>)')
    parser.add_argument('--lmdb', action='store_true',
                        help='write an LMDB per set (GT, and LR with --make-lr)')
    parser.add_argument('--lmdb-root', help='folder of the LMDBs (default: the root)')
    parser.add_argument('--compress-level', type=int, choices=range(10), default=1,
                        metavar='0-9', help='PNG compression level in the LMDBs (default: 1)')
    add_lr_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None):
    """Command-line entry point.

    Args:
        argv (list[str] | None): Arguments; default ``sys.argv[1:]``.

    Returns:
        int: Exit status.
    """
    args = parse_args(argv)
    return run_cli(prepare_vimeo, args.root, kind=args.kind, lists=args.lists,
                   verify=args.verify, make_lr=args.make_lr, lr_root=args.lr_root,
                   scale=args.scale, lmdb=args.lmdb, lmdb_root=args.lmdb_root,
                   workers=args.workers, overwrite=args.overwrite,
                   compress_level=args.compress_level)


if __name__ == '__main__':
    sys.exit(main())
