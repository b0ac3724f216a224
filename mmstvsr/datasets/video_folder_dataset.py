"""Training clips cut from any folder of videos or frame folders, to fine-tune on own footage."""
import contextlib
import hashlib
import json
import os
import os.path as osp
import tempfile
import warnings
from typing import Dict, List, Optional, Tuple, Union

import cv2
import numpy as np
from mmagic.registry import DATASETS, TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.dataset import BaseDataset
from mmengine.dist import get_rank
from tqdm import tqdm

from mmstvsr.utils.files import IMAGE_EXTENSIONS, natural_key
from .frame_errors import CorruptFrameError, CorruptFrameErrorMixin, frame_problem

#: File name endings read as videos (by OpenCV's FFmpeg backend).
VIDEO_EXTENSIONS = ('.mp4', '.m4v', '.mov', '.avi', '.mkv', '.webm', '.mpg', '.mpeg', '.wmv')
#: Width of the grey thumbnails whose differences measure the motion between frames.
THUMB_WIDTH = 64
#: Name of the index cache in ``data_root`` (:class:`VideoFolderClipsDataset` ``index_cache``).
INDEX_NAME = '.mmstvsr_index.json'
#: Layout of the index cache and of the measurement (:func:`frame_differences`): raise it when
#: either changes, and caches of another version are rebuilt.
INDEX_VERSION = 1
_INDEX_FORMAT = 'mmstvsr-video-index'
#: Decoding at least this many sources when the dataset is built shows a progress bar.
PROGRESS_MIN_SOURCES = 4


class IndexCacheWarning(UserWarning):
    """The index cache of a :class:`VideoFolderClipsDataset` cannot be read or written."""


def find_sources(root: str) -> List[Tuple[str, str]]:
    """The videos under ``root``: video files and folders holding frames, at any depth.

    Args:
        root (str): The folder.

    Returns:
        list[tuple[str, str]]: ``(name, path)``, name relative to ``root``, sorted naturally.
    """
    if not osp.isdir(root):
        raise FileNotFoundError(f'video folder not found: {root}. Set data_root to the folder '
                                'holding your videos (mp4, mov, ...) or folders of frames')
    sources = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith('.')]
        if any(osp.splitext(name)[1].lower() in IMAGE_EXTENSIONS for name in filenames):
            sources.append(dirpath)
        sources.extend(osp.join(dirpath, name) for name in filenames
                       if osp.splitext(name)[1].lower() in VIDEO_EXTENSIONS)
    sources = sorted(((osp.relpath(path, root), path) for path in sources),
                     key=lambda item: natural_key(item[0]))
    if not sources:
        raise ValueError(f'{root} holds no video ({"/".join(VIDEO_EXTENSIONS)}) and no folder of '
                         f'frames ({"/".join(IMAGE_EXTENSIONS)})')
    return sources


def folder_frames(folder: str) -> List[str]:
    """The image files of a frame folder, sorted naturally."""
    return [osp.join(folder, name) for name in sorted(
        (name for name in os.listdir(folder)
         if osp.splitext(name)[1].lower() in IMAGE_EXTENSIONS), key=natural_key)]


def _thumbnail(frame: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    height = max(1, round(grey.shape[0] * THUMB_WIDTH / grey.shape[1]))
    return cv2.resize(grey, (THUMB_WIDTH, height), interpolation=cv2.INTER_AREA).astype(np.float32)


def frame_differences(frames) -> np.ndarray:
    """Mean absolute difference (0-255) of the grey thumbnails of each pair of neighbour frames.

    Args:
        frames (Iterable[np.ndarray]): BGR frames, in order.

    Returns:
        np.ndarray: ``(N - 1,)`` differences of N frames.
    """
    diffs, previous = [], None
    for frame in frames:
        thumb = _thumbnail(frame)
        if previous is not None:
            diffs.append(float(np.abs(thumb - previous).mean()))
        previous = thumb
    return np.asarray(diffs, np.float64)


def read_video(path: str, start: int = 0, stop: Optional[int] = None):
    """Yield frames ``start`` .. ``stop - 1`` (BGR) of a video file, decoded by OpenCV."""
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise ValueError(f'{path} cannot be opened as a video by OpenCV')
    try:
        if start and not (cap.set(cv2.CAP_PROP_POS_FRAMES, start)
                          and int(cap.get(cv2.CAP_PROP_POS_FRAMES)) == start):
            cap.release()  # no exact seek: decode from the start
            cap = cv2.VideoCapture(path)
            for _ in range(start):
                cap.grab()
        index = start
        while stop is None or index < stop:
            ok, frame = cap.read()
            if not ok:
                if stop is not None:
                    raise ValueError(f'{path}: frame {index} does not decode (the video holds '
                                     f'{index} frames from the start of the clip at {start})')
                return
            yield frame
            index += 1
    finally:
        cap.release()


def plan_clips(diffs: np.ndarray, clip_length: int, clip_stride: int, scene_cut_threshold: float,
               static_threshold: float) -> Tuple[List[int], int, int]:
    """First frames of the clips of a video kept by the scene-cut and static-clip filters.

    Args:
        diffs (np.ndarray): :func:`frame_differences` of the video.
        clip_length (int): Frames per clip.
        clip_stride (int): Frames from one clip start to the next.
        scene_cut_threshold (float): A clip with a neighbour difference above it spans a cut.
        static_threshold (float): A clip whose mean neighbour difference is below it is static.

    Returns:
        tuple[list[int], int, int]: Kept starts, number dropped as cuts, number dropped as static.
    """
    starts, cuts, static = [], 0, 0
    for start in range(0, len(diffs) + 2 - clip_length, clip_stride):
        window = diffs[start:start + clip_length - 1]
        if window.size and window.max() > scene_cut_threshold:
            cuts += 1
        elif window.size and window.mean() < static_threshold:
            static += 1
        else:
            starts.append(start)
    return starts, cuts, static


def _size_mtime(path: str) -> List[int]:
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns]


def source_fingerprint(path: str) -> list:
    """What identifies the content of a source without decoding it.

    Args:
        path (str): A video file or a frame folder (as listed by :func:`find_sources`).

    Returns:
        list: ``[size, mtime_ns]`` of a video file; ``[[name, size, mtime_ns], ...]`` of the
        frames of a folder, in order (other files of the folder are left out).
    """
    if osp.isdir(path):
        return [[osp.basename(file), *_size_mtime(file)] for file in folder_frames(path)]
    return _size_mtime(path)


def index_params() -> dict:
    """Everything besides the source that :func:`index_source` depends on (stored per entry)."""
    return dict(version=INDEX_VERSION, thumb_width=THUMB_WIDTH, opencv=cv2.__version__)


def _read_frame(path: str) -> np.ndarray:
    """A frame file as BGR ``(H, W, 3)``; a :class:`CorruptFrameError` naming it when it does
    not decode."""
    frame = cv2.imread(path, cv2.IMREAD_COLOR)
    if frame is None:
        raise CorruptFrameError(f'{path} {frame_problem(path)}: replace or delete it (a frame '
                                'folder must hold frames that decode)')
    return frame


def index_source(path: str) -> Tuple[int, np.ndarray]:
    """Decode a source once: its number of frames and their :func:`frame_differences`.

    Args:
        path (str): A video file or a frame folder.

    Returns:
        tuple[int, np.ndarray]: N and the ``(N - 1,)`` differences.
    """
    if osp.isdir(path):
        files = folder_frames(path)
        return len(files), frame_differences(_read_frame(file) for file in files)
    diffs = frame_differences(read_video(path))
    return len(diffs) + 1, diffs


def default_index_path(root: str) -> str:
    """Where the index cache of ``root`` goes by default.

    Args:
        root (str): The dataset folder.

    Returns:
        str: ``root/.mmstvsr_index.json`` when ``root`` is writable, else
        ``$MMSTVSR_CACHE/video-index/<hash of the real path of root>.json`` (default
        ``~/.cache/mmstvsr``).
    """
    if os.access(root, os.W_OK):
        return osp.join(root, INDEX_NAME)
    cache = os.environ.get('MMSTVSR_CACHE') or osp.join(osp.expanduser('~'), '.cache', 'mmstvsr')
    digest = hashlib.sha1(osp.realpath(root).encode()).hexdigest()[:16]
    return osp.join(cache, 'video-index', f'{digest}.json')


def _warn(message: str) -> None:
    warnings.warn(message, IndexCacheWarning, stacklevel=3)


def _read_entry(entry) -> dict:
    """A cache entry with its ``diffs`` as an array; ValueError when it is malformed."""
    try:
        num_frames, diffs = entry['num_frames'], np.asarray(entry['diffs'], np.float64)
        well_formed = (isinstance(entry['params'], dict) and isinstance(entry['fingerprint'], list)
                       and isinstance(num_frames, int) and diffs.ndim == 1
                       and len(diffs) == max(num_frames - 1, 0))
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f'malformed entry ({err!r})') from None
    if not well_formed:
        raise ValueError('malformed entry')
    return dict(entry, diffs=diffs)


def load_index(path: str) -> Dict[str, dict]:
    """The entries of an index cache file, by source name.

    Args:
        path (str): The cache file (written by :func:`save_index`).

    Returns:
        dict[str, dict]: ``params``, ``fingerprint``, ``num_frames`` and ``diffs`` (``(N - 1,)``
        float64) of each source; empty when the file does not exist, is of another version or,
        with an :class:`IndexCacheWarning`, is unreadable or corrupt.
    """
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
        if not isinstance(data, dict) or data.get('format') != _INDEX_FORMAT:
            raise ValueError('not an mmstvsr video index')
        if data.get('version') != INDEX_VERSION:
            return {}
        return {name: _read_entry(entry) for name, entry in dict(data['sources']).items()}
    except (FileNotFoundError, NotADirectoryError):  # none yet
        return {}
    except (OSError, ValueError, TypeError, KeyError) as err:
        _warn(f'ignoring the video index cache {path}, unreadable ({err}); it is rebuilt')
        return {}


def save_index(path: str, entries: Dict[str, dict]) -> None:
    """Write the index cache atomically: to a unique temporary name beside it, then renamed.

    Several processes may write at once; the last rename wins and the file is never half
    written. A location that cannot be written gives an :class:`IndexCacheWarning`.

    Args:
        path (str): The cache file.
        entries (dict[str, dict]): As returned by :func:`load_index`.
    """
    data = dict(format=_INDEX_FORMAT, version=INDEX_VERSION, sources={
        name: dict(entry, diffs=entry['diffs'].tolist()) for name, entry in entries.items()})
    try:
        folder = osp.dirname(osp.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f'{osp.basename(path)}.', suffix='.partial', dir=folder)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                json.dump(data, f)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes it 0o600: let other users read a shared cache
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise
    except OSError as err:
        _warn(f'cannot write the video index cache {path} ({err}); the next build decodes the '
              'videos again: set index_cache to a writable file, or False')


def index_sources(sources: List[Tuple[str, str]],
                  cache: Optional[str]) -> Dict[str, Tuple[int, np.ndarray]]:
    """Number of frames and :func:`frame_differences` of each source, decoding only those that
    are not in the cache with the same fingerprint and parameters, then updating the cache.

    Args:
        sources (list[tuple[str, str]]): ``(name, path)`` from :func:`find_sources`.
        cache (str, optional): The index cache file; None: decode every source, cache nothing.

    Returns:
        dict[str, tuple[int, np.ndarray]]: N and the ``(N - 1,)`` differences, by source name.
    """
    cached = load_index(cache) if cache else {}
    params, entries, todo = index_params(), {}, []
    for name, path in sources:
        # taken before decoding: a source changed meanwhile is decoded again by the next build
        fingerprint = source_fingerprint(path)
        entry = cached.get(name)
        if entry and entry['params'] == params and entry['fingerprint'] == fingerprint:
            entries[name] = entry
        else:
            todo.append((name, path, fingerprint))
    quiet = len(todo) < PROGRESS_MIN_SOURCES or get_rank() != 0
    for name, path, fingerprint in tqdm(todo, desc='indexing videos', unit='video',
                                        disable=quiet, dynamic_ncols=True):
        num_frames, diffs = index_source(path)
        entries[name] = dict(params=params, fingerprint=fingerprint, num_frames=num_frames,
                             diffs=diffs)
    if cache and (todo or entries.keys() != cached.keys()):
        save_index(cache, entries)
    return {name: (entry['num_frames'], entry['diffs']) for name, entry in entries.items()}


@DATASETS.register_module()
class VideoFolderClipsDataset(CorruptFrameErrorMixin, BaseDataset):
    """Clips of ``clip_length`` consecutive frames from every video under a folder; no list file.

    ``data_root`` may hold video files (:data:`VIDEO_EXTENSIONS`, decoded with OpenCV) and folders
    of frames (any image names, sorted naturally), at any depth. When the dataset is built, every
    video is decoded once to count its frames and measure the motion between neighbour frames
    (mean absolute difference, 0-255, of grey thumbnails 64 pixels wide); the clips are cut every
    ``clip_stride`` frames and a clip is dropped when it spans a scene cut (a neighbour difference
    above ``scene_cut_threshold``) or barely moves (mean neighbour difference below
    ``static_threshold``). Frames are decoded again when an item is loaded, by
    :class:`LoadClipFrames`, which the pipeline starts with.

    The frame counts and differences are kept in an index cache file (``index_cache``), by video,
    with the video's size and modification time (of each frame, for a frame folder) and the
    measurement's parameters (:func:`index_params`): a later build decodes only the videos added
    or changed since, and the clip options (``clip_length``, ``clip_stride``, thresholds) can
    change without decoding anything. A progress bar shows when 4 or more videos are decoded.

    Items: ``key`` (``'<video>/<first frame:06d>'``), ``clip`` (the video's name relative to
    ``data_root``), ``input_indices`` (every ``input_gap``-th frame of the clip, from its first),
    ``frame_range`` and ``num_frames`` (of the video) and either ``video`` (the video file) or
    ``gt_path`` (the clip's frame files).

    Args:
        data_root (str): The folder of videos.
        clip_length (int): Frames per clip: 7 for septuplets (4 inputs, x2 in time), 3 for
            triplets. Default: 7.
        input_gap (int): Frames from one input to the next. ``clip_length - 1`` must be a multiple
            of it. Default: 2.
        clip_stride (int, optional): Frames from one clip start to the next. Default:
            ``clip_length`` (clips do not overlap).
        scene_cut_threshold (float): See above. Default: 40.
        static_threshold (float): See above; 0 keeps static clips. Default: 0.5.
        index_cache (str | bool, optional): The index cache file (JSON, written atomically; an
            unreadable one is rebuilt and an unwritable location only warns, with an
            :class:`IndexCacheWarning`). True: ``data_root/.mmstvsr_index.json``, or under
            ``~/.cache/mmstvsr/video-index/`` when ``data_root`` is read-only
            (:func:`default_index_path`); False or None: no cache, every video is decoded.
            Default: True.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset` (``pipeline``,
            ``test_mode``, ...).
    """

    def __init__(self,
                 data_root: str,
                 clip_length: int = 7,
                 input_gap: int = 2,
                 clip_stride: Optional[int] = None,
                 scene_cut_threshold: float = 40.0,
                 static_threshold: float = 0.5,
                 index_cache: Union[str, bool, None] = True,
                 **kwargs):
        if clip_length < 2 or input_gap < 1 or (clip_length - 1) % input_gap:
            raise ValueError(f'clip_length - 1 must be a positive multiple of input_gap, got '
                             f'clip_length={clip_length}, input_gap={input_gap}')
        self.clip_length = clip_length
        self.input_gap = input_gap
        self.clip_stride = clip_stride or clip_length
        self.scene_cut_threshold = scene_cut_threshold
        self.static_threshold = static_threshold
        self.index_cache = index_cache
        #: ``(video, frames, clips kept, dropped as cuts, dropped as static)`` of each video
        self.summary: List[Tuple[str, int, int, int, int]] = []
        super().__init__(data_root=data_root, **kwargs)

    def index_cache_path(self) -> Optional[str]:
        """The index cache file of ``index_cache``, or None when there is none."""
        if self.index_cache is True:
            return default_index_path(self.data_root)
        return osp.expanduser(self.index_cache) if self.index_cache else None

    def load_data_list(self) -> List[dict]:
        """Count the frames of every video, measure their motion (or read both from the index
        cache) and keep the clips that pass."""
        sources = find_sources(self.data_root)
        index = index_sources(sources, self.index_cache_path())
        data_list = []
        for name, path in sources:
            num_frames, diffs = index[name]
            files = folder_frames(path) if osp.isdir(path) else None
            starts, cuts, static = plan_clips(diffs, self.clip_length, self.clip_stride,
                                              self.scene_cut_threshold, self.static_threshold)
            self.summary.append((name, num_frames, len(starts), cuts, static))
            for start in starts:
                data = dict(
                    key=f'{name}/{start:06d}',
                    clip=name,
                    input_indices=list(range(0, self.clip_length, self.input_gap)),
                    frame_range=(start, start + self.clip_length),
                    num_frames=num_frames)
                if files is None:
                    data['video'] = path
                else:
                    data['gt_path'] = files[start:start + self.clip_length]
                data_list.append(data)
        if not data_list:
            raise ValueError(
                f'no clip of {self.clip_length} frames passes the filters in {self.data_root} '
                f'(video, frames, clips kept, dropped as scene cuts, dropped as static: '
                f'{self.summary}); lower static_threshold or raise scene_cut_threshold')
        return data_list


@TRANSFORMS.register_module()
class LoadClipFrames(BaseTransform):
    """Decode the frames of a :class:`VideoFolderClipsDataset` item as ``LoadImageFromFile`` would.

    Reads ``frame_range`` of ``video`` with OpenCV, or the files of ``gt_path``, into
    ``results[key]`` (a list of ``(H, W, 3)`` uint8 frames) with ``ori_<key>_shape``,
    ``<key>_channel_order`` and ``<key>_color_type``.

    Args:
        key (str): Results key of the frames. Default: 'gt'.
        channel_order (str): 'rgb' or 'bgr'. Default: 'rgb'.
    """

    def __init__(self, key: str = 'gt', channel_order: str = 'rgb'):
        if channel_order not in ('rgb', 'bgr'):
            raise ValueError(f"channel_order must be 'rgb' or 'bgr', got {channel_order!r}")
        self.key = key
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        if 'video' in results:
            frames = list(read_video(results['video'], *results['frame_range']))
        else:
            frames = [_read_frame(path) for path in results['gt_path']]
        if self.channel_order == 'rgb':
            frames = [cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in frames]
        results[self.key] = frames
        results[f'ori_{self.key}_shape'] = [frame.shape for frame in frames]
        results[f'{self.key}_channel_order'] = self.channel_order
        results[f'{self.key}_color_type'] = 'color'
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(key={self.key!r}, channel_order={self.channel_order!r})'
