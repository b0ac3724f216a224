"""Files: which files are frames, their natural order, and writing outputs atomically."""
import contextlib
import os
import os.path as osp
import re
from typing import Iterator

import cv2
import numpy as np

#: File extensions read as frames; other files in a frame folder (e.g. ``Thumbs.db``) are ignored.
IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')


def natural_key(name: str) -> list:
    """Sort key that compares the digit runs of a name as numbers (``'Frame 2'`` < ``'Frame 10'``).

    Args:
        name (str): A file or folder name.

    Returns:
        list: Alternating lower-cased text parts and integers.
    """
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r'(\d+)', name)]


def same_path(a: str, b: str) -> bool:
    """Whether two paths name the same file or folder, however spelled.

    Existing paths are compared by device and inode (:func:`os.path.samefile`: symlinks, ``..``,
    a doubled leading slash), others by their real paths.

    Args:
        a (str): A path.
        b (str): Another path.

    Returns:
        bool: True when both name the same thing.
    """
    if osp.exists(a) and osp.exists(b):
        return osp.samefile(a, b)
    return osp.realpath(a) == osp.realpath(b)


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[str]:
    """Write a file under a temporary name and rename it to ``path`` once complete.

    Yields ``<path>.partial`` (in the folder of ``path``, created if needed) for the caller to
    write; when the block ends without error it is renamed to ``path``, an atomic step, and when
    it fails it is removed. ``path`` therefore never holds a half-written file.

    Args:
        path (str): The file to produce.

    Yields:
        str: The temporary path to write to.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.partial'
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def write_png(path: str, image: np.ndarray) -> None:
    """Write a BGR uint8 image as PNG atomically (:func:`atomic_output`)."""
    ok, data = cv2.imencode('.png', np.ascontiguousarray(image))
    if not ok:
        raise OSError(f'could not encode a {image.shape} {image.dtype} image as PNG for {path}')
    with atomic_output(path) as tmp, open(tmp, 'wb') as f:
        f.write(data.tobytes())
