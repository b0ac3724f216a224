"""Training clips cut from any folder of videos or frame folders, to fine-tune on own footage."""
import os
import os.path as osp
from typing import List, Optional, Tuple

import cv2
import numpy as np
from mmagic.registry import DATASETS, TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.dataset import BaseDataset

from mmstvsr.utils.files import IMAGE_EXTENSIONS, natural_key
from .frame_errors import CorruptFrameErrorMixin

#: File name endings read as videos (by OpenCV's FFmpeg backend).
VIDEO_EXTENSIONS = ('.mp4', '.m4v', '.mov', '.avi', '.mkv', '.webm', '.mpg', '.mpeg', '.wmv')
#: Width of the grey thumbnails whose differences measure the motion between frames.
THUMB_WIDTH = 64


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
                 **kwargs):
        if clip_length < 2 or input_gap < 1 or (clip_length - 1) % input_gap:
            raise ValueError(f'clip_length - 1 must be a positive multiple of input_gap, got '
                             f'clip_length={clip_length}, input_gap={input_gap}')
        self.clip_length = clip_length
        self.input_gap = input_gap
        self.clip_stride = clip_stride or clip_length
        self.scene_cut_threshold = scene_cut_threshold
        self.static_threshold = static_threshold
        #: ``(video, frames, clips kept, dropped as cuts, dropped as static)`` of each video
        self.summary: List[Tuple[str, int, int, int, int]] = []
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Count the frames of every video, measure their motion and keep the clips that pass."""
        data_list = []
        for name, path in find_sources(self.data_root):
            if osp.isdir(path):
                files = folder_frames(path)
                diffs = frame_differences(cv2.imread(file) for file in files)
            else:
                files = None
                diffs = frame_differences(read_video(path))
            num_frames = len(diffs) + 1 if files is None or files else 0
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
            frames = [cv2.imread(path, cv2.IMREAD_COLOR) for path in results['gt_path']]
            missing = [path for path, frame in zip(results['gt_path'], frames) if frame is None]
            if missing:
                raise ValueError(f'frames do not decode: {", ".join(missing)}')
        if self.channel_order == 'rgb':
            frames = [cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in frames]
        results[self.key] = frames
        results[f'ori_{self.key}_shape'] = [frame.shape for frame in frames]
        results[f'{self.key}_channel_order'] = self.channel_order
        results[f'{self.key}_color_type'] = 'color'
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(key={self.key!r}, channel_order={self.channel_order!r})'
