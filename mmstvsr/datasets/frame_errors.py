"""Naming the frame files that do not decode, for the datasets and ``tools/dataset_converters``.

A truncated or corrupt frame (an interrupted download or unpacking) exists, so the datasets'
existence checks pass, and MMagic's ``LoadImageFromFile`` then fails with an OpenCV error that
does not name the file. :class:`CorruptFrameErrorMixin` turns such a failure into a
:class:`CorruptFrameError` naming the file and the fix; :func:`frame_problem` is the check, also
run on every frame by ``tools/dataset_converters/vimeo90k.py --verify``.
"""
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

#: OpenCV log level while checking a frame: errors only, not a warning per broken file.
_OPENCV_LOG_ERROR = 2


class CorruptFrameError(ValueError):
    """A frame file of a dataset that does not decode; the message names the file and the fix.

    An error in a DataLoader worker reaches the main process as a new instance of its class made
    from a message that PyTorch prefixes with the worker's traceback; such an instance keeps only
    the original message, so that tools print it as one line.

    Args:
        message (str): The message.
    """

    def __init__(self, message: str) -> None:
        marker = f'{type(self).__name__}: '
        if message.startswith('Caught ') and marker in message:  # re-raised from a worker
            message = message.rsplit(marker, 1)[1].strip()
        super().__init__(message)


def frame_problem(path: str) -> Optional[str]:
    """Why a frame file cannot be loaded, decoding it as ``LoadImageFromFile`` does (OpenCV).

    Args:
        path (str): The frame file.

    Returns:
        str | None: None if it decodes; else the problem, worded to follow the path in a message,
        e.g. ``'cannot be decoded as an image (truncated or corrupt, 200 bytes)'``.
    """
    try:
        buf = np.fromfile(path, dtype=np.uint8)
    except FileNotFoundError:
        return 'does not exist'
    except OSError as err:
        return f'cannot be read ({err.strerror or err})'
    if not buf.size:
        return 'is empty (0 bytes)'
    level = cv2.setLogLevel(_OPENCV_LOG_ERROR)
    try:
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    finally:
        cv2.setLogLevel(level)
    if img is None:
        return f'cannot be decoded as an image (truncated or corrupt, {buf.size} bytes)'
    return None


def item_frame_paths(data_info: dict) -> List[str]:
    """The files of a dataset item: every ``<key>_path`` value (a path or a list of paths).

    Args:
        data_info (dict): The item, e.g. ``gt_path`` (list[str]) and ``img_path``.

    Returns:
        list[str]: The paths, in key order.
    """
    paths = []
    for key, value in data_info.items():
        if key.endswith('_path'):
            paths.extend([value] if isinstance(value, str) else list(value))
    return paths


def corrupt_frame_message(bad: Sequence[Tuple[str, str]], verify_command: str = '') -> str:
    """The one-line message of a :class:`CorruptFrameError`.

    Args:
        bad (Sequence[tuple[str, str]]): ``(path, problem)`` of each frame that does not decode.
        verify_command (str): A command listing every such frame of the dataset. Default: ''.

    Returns:
        str: ``'<path> <problem>: replace it ...'``.
    """
    listed = '; '.join(f'{path} {problem}' for path, problem in bad)
    fix = ('replace it with the file' if len(bad) == 1 else 'replace them with the files')
    hint = f'; `{verify_command}` lists every such frame' if verify_command else ''
    return f'{listed}: {fix} of the original download{hint}'


class CorruptFrameErrorMixin:
    """Dataset mixin: an item whose pipeline fails on a frame that does not decode raises a
    :class:`CorruptFrameError` naming the frame(s).

    The frames are checked only after the pipeline failed, so loading costs nothing more; an
    error while every frame decodes is raised unchanged. Put it before the dataset base class.
    """

    def verify_command(self) -> str:
        """A command that lists every frame of the dataset that does not decode ('' if none)."""
        return ''

    def prepare_data(self, idx: int):
        """``BaseDataset.prepare_data``, naming the frames that do not decode if it fails.

        Args:
            idx (int): Index of the item.

        Returns:
            The pipeline's output for the item.

        Raises:
            CorruptFrameError: If the pipeline failed and a file of the item does not decode.
        """
        try:
            return super().prepare_data(idx)
        except Exception as err:
            problems = {path: frame_problem(path)
                        for path in item_frame_paths(self.get_data_info(idx))}
            bad = [(path, problem) for path, problem in problems.items() if problem]
            if not bad:
                raise
            raise CorruptFrameError(corrupt_frame_message(bad, self.verify_command())) from err
