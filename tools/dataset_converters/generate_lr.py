"""Make the LR frames of a frame-folder dataset offline, equal to the online degradation.

Every GT frame is read as the data pipeline reads it (MMagic's ``LoadImageFromFile``, OpenCV,
3-channel colour), mod-cropped to a multiple of the scale and downsampled by MATLAB's bicubic
``imresize(gt, 1 / scale)`` (:func:`mmstvsr.datasets.transforms.imresize_matlab`): exactly what
:class:`~mmstvsr.datasets.transforms.MATLABBicubicDownsample` computes on the fly. Frames saved as
PNG (or another lossless format) are therefore bit-identical to the online LR frames; JPEG frames
are re-encoded (lossy) and a warning says so.

The LR tree keeps the GT tree's relative layout and file names. Existing LR files are kept
(``--overwrite`` rewrites them), each file is written under a temporary name and renamed when
complete, so an interrupted run started again skips the finished files and completes the rest.

Usage:
    # every image under the GT root
    python tools/dataset_converters/generate_lr.py --gt-root data/vid4/GT --lr-root data/vid4/BIx4
    # only the clips of a list file (entries relative to the GT root), in 2 processes
    python tools/dataset_converters/generate_lr.py \\
        --gt-root data/vimeo_septuplet/sequences --lr-root data/vimeo_septuplet/sequences_BIx4 \\
        --list data/vimeo_septuplet/sep_testlist.txt --scale 4 --workers 2
"""
import argparse
import functools
import os
import os.path as osp
import sys

from _common import (LOSSY_EXTENSIONS, ConversionError, check_dir, format_list, is_image_file,
                     list_images, positive_int, read_image, read_list_file, remove_stale_temp_files,
                     run_cli, run_tasks, write_image)

from mmstvsr.datasets.transforms.matlab_resize import imresize_matlab


def downsample(img, scale):
    """The online degradation of one frame: mod-crop (top-left anchored), then MATLAB bicubic.

    Args:
        img (np.ndarray): ``(H, W, C)`` uint8 frame.
        scale (int): Downsampling factor.

    Returns:
        np.ndarray: ``(H // scale, W // scale, C)`` uint8 frame.
    """
    h, w = img.shape[:2]
    return imresize_matlab(img[:h - h % scale, :w - w % scale, ...], 1 / scale)


def convert_frame(rel_path, gt_root, lr_root, scale):
    """Read one GT frame, downsample it and write the LR frame atomically.

    Args:
        rel_path (str): Frame path relative to both roots.
        gt_root (str): GT root.
        lr_root (str): LR root; the frame's folder must exist.
        scale (int): Downsampling factor.

    Returns:
        str: ``rel_path``.
    """
    write_image(osp.join(lr_root, rel_path), downsample(read_image(osp.join(gt_root, rel_path)),
                                                        scale))
    return rel_path


def list_clip_frames(gt_root, clips, list_file=None):
    """Frames of the given clip folders, checking that every clip exists and holds images.

    Args:
        gt_root (str): GT root.
        clips (Sequence[str]): Clip folders relative to ``gt_root``, e.g. ``'00001/0001'``.
        list_file (str | None): Where the clips come from, for messages. Default: None.

    Returns:
        list[str]: Frame paths relative to ``gt_root``, sorted within each clip.
    """
    source = f' named in {list_file}' if list_file else ''
    clips = [clip.strip('/') for clip in clips]
    missing = [clip for clip in clips if not osp.isdir(osp.join(gt_root, clip))]
    if missing:
        hint = ''
        if osp.isdir(osp.join(gt_root, 'sequences', missing[0])):
            hint = f' They are under {osp.join(gt_root, "sequences")}: pass that as --gt-root.'
        raise ConversionError(
            f'{len(missing)} of the {len(clips)} clip folder(s){source} are missing under the GT '
            f'root {gt_root}: {format_list(missing)}.{hint} Check --gt-root, the list file, and '
            'that the download is complete')
    frames, empty = [], []
    for clip in clips:
        names = sorted(n for n in os.listdir(osp.join(gt_root, clip)) if is_image_file(n))
        if not names:
            empty.append(clip)
        frames.extend(f'{clip}/{name}' for name in names)
    if empty:
        raise ConversionError(f'{len(empty)} clip folder(s){source} hold no image under '
                              f'{gt_root}: {format_list(empty)}')
    return frames


def generate_lr(gt_root, lr_root, scale=4, list_file=None, clips=None, workers=1,
                overwrite=False):
    """Make the LR frames of a dataset (see the module docstring).

    Args:
        gt_root (str): Folder of the GT frames (any depth of sub-folders).
        lr_root (str): Output folder; created if needed. Must not be inside ``gt_root``.
        scale (int): Downsampling factor. Default: 4.
        list_file (str | None): File naming one clip folder (relative to ``gt_root``) per line;
            only their frames are converted. Default: None (every image under ``gt_root``).
        clips (Sequence[str] | None): Clip folders to convert, as from a list file (used when
            ``list_file`` is None). Default: None.
        workers (int): Processes. Default: 1.
        overwrite (bool): Rewrite LR frames that exist already. Default: False.

    Returns:
        tuple[int, int]: Frames written, and existing frames kept.
    """
    check_dir(gt_root, 'GT root', 'pass the folder holding the GT frames (or clip folders)')
    if int(scale) != scale or scale < 1:
        raise ConversionError(f'--scale must be a positive integer, got {scale}')
    gt_real, lr_real = osp.realpath(gt_root), osp.realpath(lr_root)
    if lr_real == gt_real or lr_real.startswith(gt_real + os.sep):
        raise ConversionError(f'the LR root {lr_root} is inside the GT root {gt_root}: choose an '
                              'LR folder outside it (e.g. a sibling folder)')
    if list_file is not None:
        frames = list_clip_frames(gt_root, read_list_file(list_file), list_file)
    elif clips is not None:
        frames = list_clip_frames(gt_root, clips)
    else:
        frames = list_images(gt_root)
    if not frames:
        raise ConversionError(f'no image file under the GT root {gt_root}: check the path')

    stale = remove_stale_temp_files(lr_root)
    if stale:
        print(f'removed {stale} unfinished file(s) of an interrupted run under {lr_root}')
    todo = [f for f in frames if overwrite or not osp.exists(osp.join(lr_root, f))]
    kept = len(frames) - len(todo)
    lossy = sorted({osp.splitext(f)[1] for f in todo} & set(LOSSY_EXTENSIONS))
    if lossy:
        print(f'warning: {", ".join(lossy)} frames are re-encoded lossily: those LR files are '
              'not bit-identical to the online LR frames', file=sys.stderr)
    for folder in sorted({osp.dirname(osp.join(lr_root, f)) for f in todo}):
        os.makedirs(folder, exist_ok=True)
    print(f'{len(frames)} GT frames: {kept} LR frames exist already and are kept, '
          f'{len(todo)} to write to {lr_root}')
    work = functools.partial(convert_frame, gt_root=gt_root, lr_root=lr_root, scale=int(scale))
    for _ in run_tasks(work, todo, workers, desc=f'LR x{scale}'):
        pass
    return len(todo), kept


def add_lr_arguments(parser):
    """Add the options shared by every converter that makes LR frames."""
    parser.add_argument('--scale', type=positive_int, default=4,
                        help='downsampling factor (default: 4)')
    parser.add_argument('--workers', type=positive_int, default=1,
                        help='processes (default: 1)')
    parser.add_argument('--overwrite', action='store_true',
                        help='rewrite existing outputs (default: keep them and write the rest)')


def parse_args(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Make LR frames (mod-crop + MATLAB bicubic), bit-identical to the online '
        'MATLABBicubicDownsample transform.',
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split('Usage:')[1])
    parser.add_argument('--gt-root', required=True, help='folder of the GT frames')
    parser.add_argument('--lr-root', required=True, help='output folder of the LR frames')
    parser.add_argument('--list', dest='list_file',
                        help='list file of clip folders relative to --gt-root (e.g. Vimeo-90K '
                        'sep_testlist.txt with --gt-root <vimeo>/sequences); default: every '
                        'image under --gt-root')
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
    return run_cli(generate_lr, args.gt_root, args.lr_root, scale=args.scale,
                   list_file=args.list_file, workers=args.workers, overwrite=args.overwrite)


if __name__ == '__main__':
    sys.exit(main())
