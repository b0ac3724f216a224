"""Loading frames from the LMDB files of ``tools/dataset_converters``."""
import os
import os.path as osp
from typing import Optional

import numpy as np
from mmagic.datasets.transforms import LoadImageFromFile
from mmagic.registry import TRANSFORMS
from mmengine.fileio import LmdbBackend

#: LMDB environments open in this process, by real path of the LMDB folder. LMDB (and py-lmdb)
#: open a database once per process: every transform reading it shares its environment, and so
#: do forked data loader workers, which inherit it (read-only, without locks).
_ENVIRONMENTS = {}


class _SharedLmdbBackend(LmdbBackend):
    """MMEngine's ``LmdbBackend`` sharing one environment per LMDB and process.

    A missing key raises ``KeyError`` instead of returning None. The environment is never held by
    the backend itself, so copies of it (pickled for data loader workers) open or reuse their
    process's own.

    Args:
        db_path (str): The LMDB folder.
        **kwargs: Other arguments of ``LmdbBackend``.
    """

    def __init__(self, db_path: str, **kwargs) -> None:
        super().__init__(db_path, **kwargs)
        self.env_key = osp.realpath(self.db_path)

    def get(self, filepath: str) -> bytes:
        """The value of an LMDB key.

        Args:
            filepath (str): The key.

        Returns:
            bytes: Its value.

        Raises:
            KeyError: If the LMDB has no such key.
        """
        env = _ENVIRONMENTS.get(self.env_key)
        if env is None:
            env = _ENVIRONMENTS[self.env_key] = self._get_client()
        with env.begin(write=False) as txn:
            value = txn.get(str(filepath).encode('ascii'))
        if value is None:
            raise KeyError(filepath)
        return value


@TRANSFORMS.register_module()
class LoadImageFromLMDB(LoadImageFromFile):
    """Load an image or frames from an LMDB, keyed by their path relative to the set folder.

    MMagic's ``LoadImageFromFile`` with ``backend_args=dict(backend='lmdb', ...)`` looks an image
    up by the base name of its path (``im1``), which is not unique in Vimeo-90K and other clip
    datasets. This transform reads the LMDBs that ``tools/dataset_converters/vimeo90k.py --lmdb``
    writes, whose key of a frame is its path relative to the set folder without extension
    (``00001/0001/im1``), from the paths the dataset gives unchanged (``[key]_path``, e.g.
    ``data/vimeo_septuplet/sequences/00001/0001/im1.png``): the key is the part of the path after
    its last ``key_root`` folder component(s), without extension (:meth:`lmdb_key`). The frames
    are decoded as ``LoadImageFromFile`` decodes the files, so an LMDB of PNG frames gives the
    same arrays as the files themselves.

    The LMDB is opened on the first read, once per process: every ``LoadImageFromLMDB`` of the
    same ``db_path`` (the train and val pipelines, say) shares it, and data loader workers
    open their own or, forked after the main process read, reuse the inherited one.

    Required keys: ``[key]_path`` (a path or a list of paths). Added keys: as
    ``LoadImageFromFile``: ``[key]``, ``ori_[key]_shape``, ``[key]_channel_order``,
    ``[key]_color_type`` (and ``ori_[key]`` with ``save_original_img``).

    Args:
        key (str): Key of the paths (``[key]_path``) and of the loaded images, e.g. ``'gt'``.
        db_path (str): The LMDB folder, e.g. ``'data/vimeo_septuplet/sequences.lmdb'``.
        key_root (str): Folder the LMDB was made from, as it appears in the paths: one folder
            name (``'sequences'``, or ``'sequences_BIx4'`` for the LR LMDB) or several
            ``/``-separated ones. Default: 'sequences'.
        **kwargs: Other arguments of ``LoadImageFromFile`` (``color_type``, ``channel_order``,
            ``imdecode_backend``, ``use_cache``, ``to_float32``, ``to_y_channel``,
            ``save_original_img``), not ``backend_args``.

    Raises:
        ValueError: If ``db_path`` is not given or ``key_root`` is empty.
        FileNotFoundError: If ``db_path`` is not an LMDB folder.
        TypeError: If ``backend_args`` is given (the LMDB is ``db_path``).
    """

    def __init__(self, key: str, db_path: Optional[str] = None, key_root: str = 'sequences',
                 **kwargs) -> None:
        if 'backend_args' in kwargs:
            raise TypeError('LoadImageFromLMDB reads the LMDB of db_path and takes no '
                            'backend_args; use LoadImageFromFile for other storage backends')
        if not db_path:
            raise ValueError(
                'LoadImageFromLMDB needs db_path, the LMDB folder written by '
                'tools/dataset_converters/vimeo90k.py --lmdb, e.g. '
                "db_path='data/vimeo_septuplet/sequences.lmdb'")
        self.db_path = str(db_path)
        if not osp.isfile(osp.join(self.db_path, 'data.mdb')):
            raise FileNotFoundError(
                f'no LMDB at db_path {self.db_path} (no data.mdb there): make it with '
                'python tools/dataset_converters/vimeo90k.py <root> --lmdb, or fix db_path')
        self.key_root = key_root
        self._root_parts = [p for p in key_root.replace('\\', '/').split('/') if p]
        if not self._root_parts:
            raise ValueError(f'key_root must name a folder, got {key_root!r}')
        # no backend_args: the parent then reads self.file_backend with the key it is given
        super().__init__(key, **kwargs)
        self.file_backend = _SharedLmdbBackend(self.db_path)

    def lmdb_key(self, filename: str) -> str:
        """LMDB key of a frame path: the path after its last ``key_root``, without extension.

        Args:
            filename (str): Frame path, e.g. ``data/vimeo_septuplet/sequences/00001/0001/im1.png``.

        Returns:
            str: The key, ``/``-separated, e.g. ``00001/0001/im1``.

        Raises:
            ValueError: If the path has no ``key_root`` component or nothing after it.
        """
        parts = osp.normpath(filename).split(os.sep)
        n = len(self._root_parts)
        starts = [i for i in range(len(parts) - n) if parts[i:i + n] == self._root_parts]
        if not starts:
            raise ValueError(
                f'path {filename} has no folder {self.key_root!r} (key_root) followed by a frame: '
                'set key_root to the folder the LMDB was made from as it appears in the paths '
                '(the LMDB keys are frame paths relative to it)')
        return osp.splitext('/'.join(parts[starts[-1] + n:]))[0]

    def _load_image(self, filename: str) -> np.ndarray:
        """Load an image from the LMDB by the key of its path (see :meth:`lmdb_key`).

        Args:
            filename (str): Frame path.

        Returns:
            np.ndarray: The image, as ``LoadImageFromFile`` loads the file.

        Raises:
            KeyError: If the LMDB has no frame of that key.
        """
        key = self.lmdb_key(filename)
        try:
            return super()._load_image(key)
        except KeyError:
            raise KeyError(
                f'frame {key!r} (of {filename}) not found in the LMDB {self.db_path}: check '
                f'key_root ({self.key_root!r}; keys are frame paths relative to the set folder '
                'without extension, listed in meta_info.txt of the LMDB) or use the LMDB of this '
                'set and these clips (e.g. sequences.lmdb for GT, sequences_BIx4.lmdb for LR, '
                'made from a list file naming these clips)') from None

    def __repr__(self) -> str:
        """Arguments of the transform, as ``LoadImageFromFile`` shows them plus the LMDB."""
        return (f'{super().__repr__()[:-1]}, db_path={self.db_path}, '
                f'key_root={self.key_root})')
