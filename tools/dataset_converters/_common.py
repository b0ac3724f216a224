"""Helpers shared by the dataset converters in ``tools/dataset_converters/``.

Every converter writes each output file under a temporary name in the file's own folder and renames
it when complete (:func:`atomic_write`), so an interrupted run never leaves a half-written file
under a final name: running it again skips the finished files and completes the rest. Temporary
files left by a killed run (``.<name>.<pid>.partial``) are removed by
:func:`remove_stale_temp_files` when the next run starts.

Errors a user can fix (missing folder, unreadable image, incomplete list) raise
:class:`ConversionError`; :func:`run_cli` prints them as one clear message and returns exit
status 1 instead of a traceback.
"""
import argparse
import contextlib
import multiprocessing
import os
import os.path as osp
import sys

import cv2
import numpy as np
from tqdm import tqdm

#: Suffix of temporary files and folders; anything ending with it is an unfinished output.
TMP_SUFFIX = '.partial'
#: Image file extensions read as frames (lower case).
IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp')
#: Extensions whose encoding loses information: re-encoded frames are not bit-identical.
LOSSY_EXTENSIONS = ('.jpg', '.jpeg', '.webp')


class ConversionError(Exception):
    """An error in the input or the options that the user can fix; the message says how."""


def run_cli(func, *args, **kwargs):
    """Run a converter for a command-line ``main``, turning expected errors into an exit status.

    Args:
        func (callable): The converter function.
        *args: Positional arguments of ``func``.
        **kwargs: Keyword arguments of ``func``.

    Returns:
        int: 0 on success, 1 after a :class:`ConversionError` (its message printed to stderr),
        130 after Ctrl-C (finished files are kept; running again resumes).
    """
    prog = osp.basename(sys.argv[0]) if sys.argv and sys.argv[0] else 'converter'
    try:
        func(*args, **kwargs)
    except ConversionError as err:
        print(f'{prog}: error: {err}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f'{prog}: interrupted: finished files are kept; run the same command again to '
              'complete the rest', file=sys.stderr)
        return 130
    return 0


def positive_int(text):
    """``argparse`` type of an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {text!r}')
    return value


def check_dir(path, what, hint=''):
    """Raise a :class:`ConversionError` unless ``path`` is an existing folder.

    Args:
        path (str): Folder to check.
        what (str): What the folder is, for the message, e.g. ``'GT root'``.
        hint (str): How to fix it, appended to the message. Default: ''.
    """
    if not osp.isdir(path):
        state = 'is not a folder' if osp.exists(path) else 'does not exist'
        raise ConversionError(f'{what} {path} {state}' + (f': {hint}' if hint else ''))


def read_list_file(path):
    """Read a list file: one entry per line, blank lines ignored, repeats dropped.

    A last line without a trailing newline (as in the official Vimeo-90K ``fast_testset.txt``)
    and Windows line ends are read like any other line.

    Args:
        path (str): The list file.

    Returns:
        list[str]: The entries, in file order.
    """
    if not osp.isfile(path):
        raise ConversionError(f'list file {path} does not exist: check the path (a relative path '
                              'is taken from the current folder)')
    with open(path, encoding='utf-8') as f:
        entries = [line.strip() for line in f]
    return list(dict.fromkeys(entry for entry in entries if entry))


def is_image_file(name):
    """Whether a file name is a visible image file (temporary and hidden files are not)."""
    return not name.startswith('.') and osp.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def list_images(root):
    """Image files under a folder, recursively (following links to folders).

    Args:
        root (str): The folder.

    Returns:
        list[str]: Paths relative to ``root`` (``/``-separated on every OS), sorted.
    """
    found = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith('.')]  # skip temporary folders
        rel = osp.relpath(folder, root)
        found.extend(
            name if rel == '.' else f'{rel}/{name}'.replace(os.sep, '/')
            for name in files if is_image_file(name))
    return sorted(found)


def format_list(items, limit=10):
    """``'a, b, c (and 7 more)'``: the first ``limit`` items of a list, for messages."""
    items = list(items)
    shown = ', '.join(str(item) for item in items[:limit])
    return shown + (f' (and {len(items) - limit} more)' if len(items) > limit else '')


def read_image(path, flag=cv2.IMREAD_COLOR):
    """Read an image as MMagic's ``LoadImageFromFile`` does (OpenCV, ``color_type='color'``).

    Args:
        path (str): Image file.
        flag (int): OpenCV read flag; ``cv2.IMREAD_UNCHANGED`` keeps the stored channels and
            bit depth. Default: ``cv2.IMREAD_COLOR`` (3-channel uint8 BGR, as the pipeline).

    Returns:
        np.ndarray: The image, ``(H, W, 3)`` uint8 BGR with the default flag.
    """
    try:
        buf = np.fromfile(path, dtype=np.uint8)
    except OSError as err:
        raise ConversionError(f'cannot read image {path}: {err.strerror}') from err
    img = cv2.imdecode(buf, flag) if buf.size else None
    if img is None:
        raise ConversionError(
            f'cannot decode image {path}: the file is empty, truncated or not an image. '
            'Restore it from the original dataset (re-download or re-extract it), or remove its '
            'clip from the list')
    return img


def find_undecodable(paths, workers=1, desc='decoding frames'):
    """Decode image files as the data pipeline does and return those that fail, and why.

    The check is the datasets' own (:func:`mmstvsr.datasets.frame_problem`), so the frames
    reported are those a training or test run would stop at.

    Args:
        paths (Sequence[str]): Image files.
        workers (int): Processes. Default: 1.
        desc (str): Progress bar label. Default: 'decoding frames'.

    Returns:
        dict[str, str]: ``{path: problem}`` of the files that do not decode, in ``paths`` order;
        the problem is worded to follow the path, e.g. ``'is empty (0 bytes)'``.
    """
    from mmstvsr.datasets import frame_problem  # imports MMagic: only for the tools that check
    problems = list(run_tasks(frame_problem, paths, workers, desc=desc, unit='frame'))
    return {path: problem for path, problem in zip(paths, problems) if problem}


def atomic_write(path, data):
    """Write bytes to ``path`` through a temporary file in the same folder, then rename it.

    The rename is atomic, so ``path`` either does not exist or holds the complete data, even if
    the process is killed; a temporary file left by a kill is removed by
    :func:`remove_stale_temp_files` on the next run.

    Args:
        path (str): Destination file; its folder must exist.
        data (bytes | np.ndarray): The content.
    """
    folder, name = osp.split(path)
    tmp = osp.join(folder, f'.{name}.{os.getpid()}{TMP_SUFFIX}')
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def encode_image(img, ext, params=()):
    """Encode an image for a file extension (PNG is lossless).

    Args:
        img (np.ndarray): BGR image.
        ext (str): File extension with its dot, e.g. ``'.png'``.
        params (Sequence[int]): OpenCV encoding parameters, e.g.
            ``[cv2.IMWRITE_PNG_COMPRESSION, 1]``. Default: ().

    Returns:
        np.ndarray: The encoded bytes.
    """
    ok, buf = cv2.imencode(ext, img, list(params))
    if not ok:
        raise ConversionError(f'OpenCV cannot encode an image as {ext}: use .png')
    return buf


def write_image(path, img):
    """Encode an image by the extension of ``path`` and write it atomically."""
    atomic_write(path, encode_image(img, osp.splitext(path)[1]))


def remove_stale_temp_files(root):
    """Remove the temporary files that killed runs left under a folder (recursively).

    Args:
        root (str): Output folder of a converter; nothing happens if it does not exist.

    Returns:
        int: The number of files removed.
    """
    removed = 0
    for folder, _, files in os.walk(root):
        for name in files:
            if name.startswith('.') and name.endswith(TMP_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(osp.join(folder, name))
                    removed += 1
    return removed


def run_tasks(func, tasks, workers=1, desc=None, unit='file'):
    """Apply ``func`` to every task, in order, with a progress bar; in a process pool if asked.

    Args:
        func (callable): Picklable function of one task (a module-level function or a
            ``functools.partial`` of one) when ``workers > 1``.
        tasks (Sequence): The tasks.
        workers (int): Processes; 1 runs in this process. Default: 1.
        desc (str | None): Progress bar label. Default: None.
        unit (str): Progress bar unit. Default: 'file'.

    Yields:
        The result of ``func`` for each task, in task order. An exception raised by ``func``
        stops the pool and propagates.
    """
    with tqdm(total=len(tasks), desc=desc, unit=unit, dynamic_ncols=True) as bar:
        if workers <= 1 or len(tasks) <= 1:
            for task in tasks:
                yield func(task)
                bar.update()
            return
        chunksize = max(1, min(64, len(tasks) // (workers * 8)))
        with multiprocessing.Pool(workers) as pool:  # terminated on exit, also on errors
            for result in pool.imap(func, tasks, chunksize=chunksize):
                yield result
                bar.update()
