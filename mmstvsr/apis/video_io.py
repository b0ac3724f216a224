"""Streaming frame I/O for inference: sources read frames lazily, sinks write them one at a time.

A source is a video file (decoded by OpenCV, audio ignored) or a folder of PNG/JPEG frames in
natural order; a sink is a video file (written under a temporary name and renamed when complete)
or a folder of PNG frames ``00000000.png, ...`` (each written atomically, so that an interrupted
run can be resumed). Frames are BGR uint8 arrays ``(H, W, 3)``, as OpenCV gives them.
"""
import json
import os
import os.path as osp
import re
from typing import Iterator, Optional, Tuple

import cv2
import numpy as np
from PIL import Image

from mmstvsr.engine.hooks.save_frames_hook import write_png
from mmstvsr.utils.files import IMAGE_EXTENSIONS, atomic_output, natural_key, same_path

#: FourCC of the video writer for each supported output extension.
VIDEO_FOURCC = {'.mp4': 'mp4v', '.mov': 'mp4v', '.mkv': 'mp4v', '.avi': 'MJPG'}
FRAME_NAME = '{:08d}.png'
FRAME_PATTERN = re.compile(r'^\d{8}\.png$')
#: Settings of the run that wrote a frame folder, checked before resuming it.
MANIFEST_NAME = '.stvsr_inference.json'
#: Frame rate assumed for a folder of frames when none is given.
DEFAULT_FOLDER_FPS = 25.0


class InferenceError(ValueError):
    """A problem with the inputs, outputs or options of an inference run; the message names the
    fix."""


class FrameSource:
    """Frames ``[start, end)`` of a clip, decoded lazily in order.

    Attributes:
        path (str): The video file or frame folder.
        num_frames (int): Number of selected frames (>= 2).
        fps (float | None): Frame rate the clip declares (None when unknown).
        height (int): Frame height.
        width (int): Frame width.
    """

    path: str
    num_frames: int
    fps: Optional[float]
    height: int
    width: int

    def frames(self) -> Iterator[np.ndarray]:
        """Yield the selected frames, BGR uint8 ``(H, W, 3)``."""
        raise NotImplementedError


def _select(path: str, total: int, start: int, end: Optional[int]) -> int:
    """Check the frame range ``[start, end)`` of a clip of ``total`` frames; return its end."""
    end = total if end is None else end
    if start < 0 or end > total or end - start < 2:
        raise InferenceError(
            f'{path} has {total} frame(s); the range [{start}, {end}) (--start-frame, '
            f'--end-frame, end exclusive) must lie inside it and hold at least two frames: '
            'space-time SR interpolates between neighbouring frames')
    return end


class VideoFileSource(FrameSource):
    """A video file read with OpenCV's FFmpeg backend.

    The file is scanned once on opening (frames are grabbed, not converted) to count the frames
    that really decode: a truncated or corrupt file is refused before any output is written.

    Args:
        path (str): Video file (mp4, avi, mkv, mov...).
        start (int): First frame. Default: 0.
        end (int, optional): Frame after the last one; the end of the video when None.
    """

    def __init__(self, path: str, start: int = 0, end: Optional[int] = None):
        self.path = path
        cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        try:
            if not cap.isOpened():
                raise InferenceError(
                    f'{path} cannot be read as a video: it is not a video file, its codec is not '
                    'supported by OpenCV, or it is truncated (an mp4/mov cut short loses its '
                    'index). Re-encode it (e.g. with ffmpeg) or extract its frames to a folder')
            fps = cap.get(cv2.CAP_PROP_FPS)
            self.fps = fps if np.isfinite(fps) and fps > 0 else None
            announced = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
            ok, first = cap.read()
            if not ok:
                raise InferenceError(f'{path} holds no decodable video frame: it is not a video '
                                     'or it is corrupt; re-encode it (e.g. with ffmpeg)')
            self.height, self.width = first.shape[:2]
            decoded = 1
            while (end is None or decoded < end) and cap.grab():
                decoded += 1
        finally:
            cap.release()
        if decoded < announced and (end is None or decoded < end):
            raise InferenceError(
                f'{path} is truncated or corrupt: its header announces {announced} frames but only '
                f'{decoded} decode. Repair or re-encode it, or pass --end-frame {decoded} to '
                'process the frames that decode')
        self.start = start
        self.end = _select(path, decoded, start, end)
        self.num_frames = self.end - start

    def frames(self) -> Iterator[np.ndarray]:
        cap = cv2.VideoCapture(self.path, cv2.CAP_FFMPEG)
        try:
            for index in range(self.end):
                ok, frame = cap.read() if index >= self.start else (cap.grab(), None)
                if not ok:
                    raise InferenceError(f'{self.path}: frame {index} no longer decodes (was the '
                                         'file changed during the run?)')
                if frame is not None:
                    yield frame
        finally:
            cap.release()


class FrameFolderSource(FrameSource):
    """A folder of PNG/JPEG frames of one size, in natural order of their names, at 25 fps.

    Sizes are read from the file headers on opening, so that mixed sizes are refused before any
    output is written.

    Args:
        path (str): Frame folder.
        start (int): First frame. Default: 0.
        end (int, optional): Frame after the last one; the last frame when None.
    """

    fps = DEFAULT_FOLDER_FPS

    def __init__(self, path: str, start: int = 0, end: Optional[int] = None):
        self.path = path
        names = sorted((n for n in os.listdir(path) if n.lower().endswith(IMAGE_EXTENSIONS)),
                       key=natural_key)
        if not names:
            raise InferenceError(f'{path} holds no frames ({", ".join(IMAGE_EXTENSIONS)} files): '
                                 'give a folder of frames or a video file')
        end = _select(path, len(names), start, end)
        self.files = [osp.join(path, n) for n in names[start:end]]
        self.num_frames = len(self.files)
        sizes = [_image_size(f) for f in self.files]
        self.width, self.height = sizes[0]
        for file, size in zip(self.files, sizes):
            if size != sizes[0]:
                raise InferenceError(
                    f'frames of {path} differ in size: {osp.basename(self.files[0])} is '
                    f'{sizes[0][0]}x{sizes[0][1]} but {osp.basename(file)} is {size[0]}x{size[1]}; '
                    'resize or crop them to one size (or select a range with --start-frame / '
                    '--end-frame)')

    def frames(self) -> Iterator[np.ndarray]:
        for file in self.files:
            frame = cv2.imread(file, cv2.IMREAD_COLOR)
            if frame is None:
                raise InferenceError(f'{file} cannot be decoded as an image: replace or remove it')
            yield frame


def _image_size(file: str) -> tuple:
    """``(width, height)`` of an image from its header."""
    try:
        with Image.open(file) as image:
            return image.size
    except OSError as err:
        raise InferenceError(f'{file} is not a readable image ({err}): replace or remove it')


def open_source(path: str, start: int = 0, end: Optional[int] = None) -> FrameSource:
    """Open a video file or a frame folder, checking the frames ``[start, end)``.

    Args:
        path (str): Video file or folder of PNG/JPEG frames.
        start (int): First frame. Default: 0.
        end (int, optional): Frame after the last one (exclusive); the clip's end when None.

    Returns:
        FrameSource: The selected frames.
    """
    if osp.isdir(path):
        return FrameFolderSource(path, start, end)
    if not osp.isfile(path):
        raise InferenceError(f'input not found: {path} (give a video file or a folder of '
                             'PNG/JPEG frames)')
    return VideoFileSource(path, start, end)


class VideoFileSink:
    """Write frames to a video file, under a temporary name until :meth:`close`.

    The temporary file ``.<name>.partial<ext>`` sits in the output folder and keeps the extension,
    from which OpenCV picks the container; :meth:`abort` deletes it.

    Args:
        path (str): Output video; its extension selects the codec (:data:`VIDEO_FOURCC`).
        fps (float): Frame rate.
        width (int): Frame width.
        height (int): Frame height.
    """

    def __init__(self, path: str, fps: float, width: int, height: int):
        self.path = path
        self.size = (width, height)
        self.written = 0
        folder, name = osp.split(osp.abspath(path))
        stem, ext = osp.splitext(name)
        self.tmp = osp.join(folder, f'.{stem}.partial{ext}')
        os.makedirs(folder, exist_ok=True)
        fourcc = cv2.VideoWriter_fourcc(*VIDEO_FOURCC[ext.lower()])
        self.writer = cv2.VideoWriter(self.tmp, fourcc, fps, (width, height))
        if not self.writer.isOpened():
            self.abort()
            raise InferenceError(
                f'OpenCV cannot write a {width}x{height} {ext} video at {fps:g} fps with codec '
                f'{VIDEO_FOURCC[ext.lower()]!r} to {path}: write another format '
                f'({", ".join(VIDEO_FOURCC)}) or a folder of PNG frames')

    def done(self, index: int) -> bool:
        """A video is always written from its first frame."""
        return False

    def write(self, index: int, frame: np.ndarray) -> None:
        self.writer.write(np.ascontiguousarray(frame))
        self.written += 1

    def close(self) -> None:
        """Finish the file, check that it decodes to every frame written, then rename it.

        OpenCV's writer reports no write error (e.g. a full disk): the file it leaves is read
        back instead, and a short or undecodable one is refused, so that a failed video never
        replaces ``path``.

        Raises:
            InferenceError: The written file is not the whole video (the temporary file is
                removed and ``path`` left as it was).
        """
        self.writer.release()
        decoded = _count_decodable_frames(self.tmp, self.size)
        if decoded != self.written:
            self.abort()
            raise InferenceError(
                f'writing {self.path} failed: the file holds {decoded} decodable frames of the '
                f'{self.written} written (is the disk full?); {self.path} was left as it was: '
                'free some space or choose another OUTPUT')
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.writer.release()
        if osp.exists(self.tmp):
            os.remove(self.tmp)


def _count_decodable_frames(path: str, size: Tuple[int, int]) -> int:
    """How many frames of ``size`` ``(width, height)`` a video file decodes to, from the start.

    Args:
        path (str): Video file.
        size (tuple[int]): Expected ``(width, height)``; the count stops at a frame of another
            size.

    Returns:
        int: Frames decoded before the first failure (0 for a file that does not open).
    """
    capture = cv2.VideoCapture(path)
    count = 0
    try:
        while capture.isOpened():
            ok, frame = capture.read()
            if not ok or (frame.shape[1], frame.shape[0]) != tuple(size):
                break
            count += 1
    finally:
        capture.release()
    return count


class FrameFolderSink:
    """Write frames as ``<folder>/00000000.png, ...``, each atomically (temporary name + rename).

    The folder and a manifest of the run's settings (:data:`MANIFEST_NAME`) are created with the
    first frame. Resuming keeps the frames already written (:meth:`done`) after checking that the
    manifest matches; frames of another run are replaced only on request.

    Args:
        path (str): Output folder.
        manifest (dict): Settings that determine the frames (input, range, model, time factor).
        overwrite (bool): Delete the frames and manifest of a previous run first.
        resume (bool): Keep the frames of an interrupted run with the same manifest.
    """

    def __init__(self, path: str, manifest: dict, overwrite: bool = False, resume: bool = False):
        self.path = path
        self.manifest = manifest
        self.written = set()
        self._started = False  # folder and manifest created
        if not osp.isdir(path):
            return
        entries = os.listdir(path)
        frames = [n for n in entries if FRAME_PATTERN.match(n)]
        if overwrite:
            for name in frames + [n for n in entries if n == MANIFEST_NAME]:
                os.remove(osp.join(path, name))
        elif resume:
            self._check_manifest(has_frames=bool(frames))
            self.written = {int(osp.splitext(n)[0]) for n in frames}
        elif entries:
            raise InferenceError(f'output folder {path} exists and is not empty: pass --resume to '
                                 'continue an interrupted run, --overwrite to replace its frames, '
                                 'or choose another OUTPUT')

    def _check_manifest(self, has_frames: bool) -> None:
        file = osp.join(self.path, MANIFEST_NAME)
        if not osp.isfile(file):
            if has_frames:
                raise InferenceError(f'{self.path} holds frames this tool did not write (no '
                                     f'{MANIFEST_NAME}): they cannot be resumed; pass --overwrite '
                                     'or choose another OUTPUT')
            return
        with open(file) as f:
            previous = json.load(f)
        differ = [k for k in sorted(set(previous) | set(self.manifest))
                  if previous.get(k) != self.manifest.get(k)]
        if differ:
            changes = ', '.join(f'{k}: {previous.get(k)!r} -> {self.manifest.get(k)!r}'
                                for k in differ)
            raise InferenceError(f'{self.path} was written with other settings ({changes}): '
                                 'resume with the same settings, or pass --overwrite')

    def done(self, index: int) -> bool:
        """Whether frame ``index`` is in the folder (from this run or a resumed one)."""
        return index in self.written

    def write(self, index: int, frame: np.ndarray) -> None:
        if not self._started:
            with atomic_output(osp.join(self.path, MANIFEST_NAME)) as tmp, open(tmp, 'w') as f:
                json.dump(self.manifest, f, indent=2)
            self._started = True
        write_png(osp.join(self.path, FRAME_NAME.format(index)), frame)
        self.written.add(index)

    def close(self) -> None:
        """Nothing to finalise: every frame is complete once written."""

    def abort(self) -> None:
        """Keep the frames written so far: the run can be resumed with ``resume=True``."""


def check_output(path: str, overwrite: bool, resume: bool, input_path: str) -> str:
    """Check an output path before any work; return its kind, ``'video'`` or ``'frames'``.

    Args:
        path (str): Output video file (by extension, :data:`VIDEO_FOURCC`) or frame folder (an
            existing folder or a path without extension).
        overwrite (bool): Whether an existing output may be replaced.
        resume (bool): Whether an interrupted frame-folder run is continued.
        input_path (str): The input, which must not be the output.
    """
    ext = osp.splitext(path)[1].lower()
    if same_path(path, input_path):
        raise InferenceError(f'OUTPUT {path} is the INPUT {input_path}: choose another path')
    if osp.isdir(path) or not ext:
        if osp.exists(path) and not osp.isdir(path):
            raise InferenceError(f'{path} exists and is not a folder: choose another OUTPUT')
        return 'frames'
    if ext not in VIDEO_FOURCC:
        raise InferenceError(
            f'unknown output extension {ext!r} of {path}: write a video '
            f'({", ".join(VIDEO_FOURCC)}) or a folder of PNG frames (a path without extension)')
    if resume:
        raise InferenceError('--resume continues a frame-folder OUTPUT; a video is always written '
                             'from its first frame (use --overwrite to replace it)')
    if osp.exists(path) and not overwrite:
        raise InferenceError(f'{path} exists: pass --overwrite to replace it, or choose another '
                             'OUTPUT')
    return 'video'
