"""Extract the frames of the Adobe240 videos into one frame folder per clip.

Each video ``<video dir>/<name>.mov`` (or ``.mp4``, ``.m4v``, ``.avi``, ``.mkv``) is decoded with
OpenCV into ``<out>/<name>/00000.png``, ``00001.png``, .. (lossless PNG, the frame-folder layout
the Adobe240 dataset configs read). ``--max-frames N`` keeps the first N frames of each video.

A clip is extracted into ``<out>/.<name>.partial/`` and renamed to ``<out>/<name>/`` when all its
frames are written, so a clip folder under its final name is always complete and is skipped by
later runs (``--overwrite`` extracts it again). An interrupted clip resumes: its finished frames
are kept and the rest are written (each frame through a temporary file, renamed when complete).
A video OpenCV cannot read is reported at the end (exit status 1); the other videos are
extracted.

Usage:
    python tools/dataset_converters/adobe240.py data/adobe240/original_high_fps_videos \\
        data/adobe240/frames --workers 2
    python tools/dataset_converters/adobe240.py videos/ frames/ --max-frames 100
"""
import argparse
import functools
import os
import os.path as osp
import shutil
import sys
from collections import Counter

import cv2
from _common import (TMP_SUFFIX, ConversionError, check_dir, format_list, positive_int,
                     remove_stale_temp_files, run_cli, run_tasks, write_image)
from tqdm import tqdm

#: Video file extensions (lower case).
VIDEO_EXTENSIONS = ('.mov', '.mp4', '.m4v', '.avi', '.mkv')


def list_videos(video_dir):
    """Video files of a folder, sorted, checking that their clip names are unique.

    Args:
        video_dir (str): Folder of the videos.

    Returns:
        list[str]: File names.
    """
    check_dir(video_dir, 'video folder', 'pass the folder holding the Adobe240 .mov/.mp4 files')
    names = sorted(n for n in os.listdir(video_dir)
                   if not n.startswith('.') and osp.splitext(n)[1].lower() in VIDEO_EXTENSIONS)
    if not names:
        raise ConversionError(f'no video ({", ".join(VIDEO_EXTENSIONS)}) in {video_dir}: check '
                              'the path')
    stems = Counter(osp.splitext(n)[0] for n in names)
    clashes = [n for n in names if stems[osp.splitext(n)[0]] > 1]
    if clashes:
        raise ConversionError(f'videos with the same name would share a clip folder: '
                              f'{format_list(clashes)}; rename or move one of each')
    return names


def frame_name(index):
    """File name of frame ``index`` (0-based): ``00000.png``."""
    return f'{index:05d}.png'


def extract_video(video_path, clip_dir, max_frames=None, overwrite=False, frame_bar=True):
    """Extract the frames of one video into a clip folder, resuming an interrupted extraction.

    Args:
        video_path (str): The video.
        clip_dir (str): Final clip folder; must not exist unless ``overwrite``.
        max_frames (int | None): Keep at most this many frames. Default: None (all).
        overwrite (bool): Replace an existing clip folder, and do not resume. Default: False.
        frame_bar (bool): Show a progress bar over the frames. Default: True.

    Returns:
        int: The number of frames of the clip.
    """
    parent, name = osp.split(osp.normpath(clip_dir))
    tmp = osp.join(parent, f'.{name}{TMP_SUFFIX}')
    cap = cv2.VideoCapture(video_path)
    try:
        if not cap.isOpened():
            raise ConversionError(f'OpenCV cannot open {video_path}: unsupported codec or not a '
                                  'video. Convert it (e.g. ffmpeg -i IN -c:v libx264 OUT.mp4) or '
                                  'remove it from the folder')
        if overwrite and osp.isdir(tmp):
            shutil.rmtree(tmp)
        os.makedirs(tmp, exist_ok=True)
        remove_stale_temp_files(tmp)
        done = set(os.listdir(tmp))
        announced = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        total = min(announced, max_frames or announced) if announced > 0 else max_frames
        count = 0
        with tqdm(total=total, desc=name, unit='frame', leave=False,
                  disable=not frame_bar) as bar:
            while max_frames is None or count < max_frames:
                if frame_name(count) in done:  # written by an interrupted run: skip decoding it
                    if not cap.grab():
                        break
                else:
                    ok, frame = cap.read()
                    if not ok:
                        break
                    write_image(osp.join(tmp, frame_name(count)), frame)
                count += 1
                bar.update()
    finally:
        cap.release()
    if count == 0:
        shutil.rmtree(tmp)
        raise ConversionError(f'OpenCV decoded no frame of {video_path}: the file is empty, '
                              'corrupt or uses an unsupported codec')
    if announced > 0 and count < min(announced, max_frames or announced):
        print(f'warning: {video_path}: decoded {count} frames, its header announces {announced}',
              file=sys.stderr)
    for extra in done - {frame_name(i) for i in range(count)}:  # from a longer earlier run
        os.remove(osp.join(tmp, extra))
    if osp.exists(clip_dir):
        shutil.rmtree(clip_dir)
    os.rename(tmp, clip_dir)
    return count


def _extract_task(video, video_dir, out_dir, max_frames, overwrite, frame_bar):
    """Extract one video for :func:`run_tasks`; returns ``(video, frames, error message)``."""
    clip_dir = osp.join(out_dir, osp.splitext(video)[0])
    try:
        count = extract_video(osp.join(video_dir, video), clip_dir, max_frames, overwrite,
                              frame_bar)
    except ConversionError as err:
        return video, 0, str(err)
    return video, count, None


def extract_adobe240(video_dir, out_dir, max_frames=None, workers=1, overwrite=False):
    """Extract every video of a folder (see the module docstring).

    Args:
        video_dir (str): Folder of the videos.
        out_dir (str): Output folder of the clip folders; created if needed.
        max_frames (int | None): Keep at most this many frames per video. Default: None (all).
        workers (int): Videos extracted in parallel. Default: 1.
        overwrite (bool): Extract clips whose folder exists again. Default: False.

    Returns:
        dict[str, int]: Frames extracted per clip extracted in this run.
    """
    videos = list_videos(video_dir)
    os.makedirs(out_dir, exist_ok=True)
    todo = [v for v in videos
            if overwrite or not osp.isdir(osp.join(out_dir, osp.splitext(v)[0]))]
    print(f'{len(videos)} videos: {len(videos) - len(todo)} clip folders exist already and are '
          f'kept, {len(todo)} to extract into {out_dir}')
    work = functools.partial(_extract_task, video_dir=video_dir, out_dir=out_dir,
                             max_frames=max_frames, overwrite=overwrite, frame_bar=workers == 1)
    extracted, failed = {}, []
    for video, count, error in run_tasks(work, todo, workers, desc='videos', unit='video'):
        if error:
            failed.append(error)
        else:
            extracted[osp.splitext(video)[0]] = count
    if failed:
        raise ConversionError(f'{len(failed)} of {len(todo)} videos could not be read (the '
                              'others were extracted):\n  ' + '\n  '.join(failed))
    return extracted


def parse_args(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Extract the frames of the Adobe240 videos into one folder per clip.',
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split('Usage:')[1])
    parser.add_argument('video_dir', help='folder of the videos (.mov, .mp4, ..)')
    parser.add_argument('out_dir', help='output folder; clip <name> goes to <out_dir>/<name>/')
    parser.add_argument('--max-frames', type=positive_int,
                        help='keep the first N frames of each video (default: all)')
    parser.add_argument('--workers', type=positive_int, default=1,
                        help='videos extracted in parallel (default: 1)')
    parser.add_argument('--overwrite', action='store_true',
                        help='extract clips whose folder exists again (default: skip them)')
    return parser.parse_args(argv)


def main(argv=None):
    """Command-line entry point.

    Args:
        argv (list[str] | None): Arguments; default ``sys.argv[1:]``.

    Returns:
        int: Exit status.
    """
    args = parse_args(argv)
    return run_cli(extract_adobe240, args.video_dir, args.out_dir, max_frames=args.max_frames,
                   workers=args.workers, overwrite=args.overwrite)


if __name__ == '__main__':
    sys.exit(main())
