"""Naming of frame files: which files are frames, and their natural order."""
import re

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
