"""Streaming frame I/O for inference: sources read frames lazily, sinks write them one at a time.

A source is a video file (decoded by OpenCV) or a folder of PNG/JPEG frames in natural order; a
sink is a video file (H.264 through PyAV by default, optionally with the input's audio; written
under a temporary name, read back and renamed when complete) or a folder of PNG frames
``00000000.png, ...`` (each written atomically, so that an interrupted run can be resumed).
Frames are BGR uint8 arrays ``(H, W, 3)``, as OpenCV gives them.
"""
import hashlib
import itertools
import json
import os
import os.path as osp
import re
import shutil
import tempfile
from fractions import Fraction
from typing import Iterator, List, Optional, Tuple

import cv2
import numpy as np
from PIL import Image

try:
    import av
except ImportError:  # H.264 falls back to OpenCV's mp4v
    av = None

from mmstvsr.utils.files import IMAGE_EXTENSIONS, atomic_output, natural_key, same_path, write_png
from mmstvsr.utils.pictures import text_tile

#: FourCC of OpenCV's video writer for each supported output extension (``--codec mp4v``).
VIDEO_FOURCC = {'.mp4': 'mp4v', '.mov': 'mp4v', '.mkv': 'mp4v', '.avi': 'MJPG'}
#: Video codecs of an output file (``--codec``): H.264 (libx264 through PyAV, yuv420p, which
#: browsers play), MPEG-4 Part 2 and Motion JPEG (OpenCV's writer, FourCC).
CODECS = {'h264': None, 'mp4v': 'mp4v', 'mjpeg': 'MJPG'}
#: Errors of PyAV's encoders and muxers (e.g. a full disk) and of opening files.
WRITE_ERRORS = (OSError, ValueError) + ((av.FFmpegError, ) if av is not None else ())
#: Constant rate factor of libx264 (``--crf``, 0 lossless to 51): 18 is visually lossless.
DEFAULT_CRF = 18
FRAME_NAME = '{:08d}.png'
FRAME_PATTERN = re.compile(r'^\d{8}\.png$')
#: Settings of the run that wrote a frame folder, checked before resuming it.
MANIFEST_NAME = '.stvsr_inference.json'
#: Frame rate assumed for a folder of frames when none is given.
DEFAULT_FOLDER_FPS = 25.0
#: Frames hashed into an input's fingerprint (:meth:`FrameSource.fingerprint`).
FINGERPRINT_FRAMES = 3


class InferenceError(ValueError):
    """A problem with the inputs, outputs or options of an inference run; the message names the
    fix."""


class InputError(InferenceError):
    """An input frame found bad during a run: frames computed from this input are discarded, as
    the input must change before a run can succeed."""


class FrameSource:
    """Frames ``[start, end)`` of a clip, decoded lazily in order.

    Attributes:
        path (str): The video file or frame folder.
        files (list[str]): The files the frames are read from (the video, or the frames).
        num_frames (int): Number of selected frames (>= 2).
        fps (float | None): Frame rate the clip declares (None when unknown).
        height (int): Frame height.
        width (int): Frame width.
    """

    path: str
    files: List[str]
    num_frames: int
    fps: Optional[float]
    height: int
    width: int

    def frames(self) -> Iterator[np.ndarray]:
        """Yield the selected frames, BGR uint8 ``(H, W, 3)``."""
        raise NotImplementedError

    def fingerprint(self) -> dict:
        """What identifies the input: total size and latest modification time of its files, and
        a hash of its first selected frames, recorded to refuse resuming from another input.

        Returns:
            dict: ``size`` (bytes), ``mtime_ns`` and ``first_frames_sha256``.
        """
        stats = [os.stat(f) for f in self.files]
        digest = hashlib.sha256()
        for frame in itertools.islice(self.frames(), FINGERPRINT_FRAMES):
            digest.update(frame.tobytes())
        return dict(size=sum(s.st_size for s in stats), mtime_ns=max(s.st_mtime_ns for s in stats),
                    first_frames_sha256=digest.hexdigest())


def _check_range(start: int, end: Optional[int]) -> None:
    """Check ``--start-frame`` and ``--end-frame`` on their own, before a clip is read."""
    if start < 0:
        raise InferenceError(f'--start-frame must be 0 or more, got {start}')
    if end is not None and end - start < 2:
        raise InferenceError(
            f'the range [{start}, {end}) (--start-frame, --end-frame, end exclusive) holds '
            f'{max(end - start, 0)} frame(s): space-time SR interpolates between neighbouring '
            'frames, select at least two')


def _select(path: str, total: int, start: int, end: Optional[int]) -> int:
    """Check the frame range ``[start, end)`` of a clip of ``total`` frames; return its end."""
    end = total if end is None else end
    if end > total or end - start < 2:
        raise InferenceError(
            f'{path} has {total} frame(s); the range [{start}, {end}) (--start-frame, '
            f'--end-frame, end exclusive) must lie inside it and hold at least two frames: '
            'space-time SR interpolates between neighbouring frames')
    return end


class VideoFileSource(FrameSource):
    """A video file read with OpenCV's FFmpeg backend.

    The file is scanned once on opening (frames are grabbed, not converted) to count the frames
    that really decode, and what its header claims (frame count, frame size) is checked against
    what decodes: a truncated or corrupt file is refused before any output is written.

    Args:
        path (str): Video file (mp4, avi, mkv, mov...).
        start (int): First frame. Default: 0.
        end (int, optional): Frame after the last one; the end of the video when None.
    """

    def __init__(self, path: str, start: int = 0, end: Optional[int] = None):
        _check_range(start, end)
        self.path = path
        self.files = [path]
        cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        try:
            if not cap.isOpened():
                raise InferenceError(
                    f'{path} cannot be read as a video: it is not a video file, its codec is not '
                    'supported by OpenCV, or it is truncated (an mp4/mov cut short loses its '
                    'index). Re-encode it (e.g. with ffmpeg) or extract its frames to a folder')
            fps = cap.get(cv2.CAP_PROP_FPS)
            self.fps = fps if np.isfinite(fps) and fps > 0 else None
            announced = cap.get(cv2.CAP_PROP_FRAME_COUNT)
            claimed_size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
            ok, first = cap.read()
            if not ok:
                raise InferenceError(f'{path} holds no decodable video frame: it is not a video '
                                     'or it is corrupt; re-encode it (e.g. with ffmpeg)')
            self.height, self.width = first.shape[:2]
            _check_claims(path, announced, claimed_size, (self.width, self.height))
            decoded = 1
            while (end is None or decoded < end) and cap.grab():
                decoded += 1
        finally:
            cap.release()
        if decoded < announced and (end is None or decoded < end):
            raise InferenceError(
                f'{path} is truncated or corrupt: its header announces {announced:.0f} frames but '
                f'only {decoded} decode. Repair or re-encode it, or pass --end-frame {decoded} to '
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
                    raise InputError(f'{self.path}: frame {index} no longer decodes (was the '
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
        _check_range(start, end)
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
                raise InputError(f'{file} cannot be decoded as an image: replace or remove it')
            yield frame


def _check_claims(path: str, frame_count: float, claimed_size: Tuple[int, int],
                  size: Tuple[int, int]) -> None:
    """Refuse a video whose header does not give a frame count, or gives another frame size
    ``(width, height)`` than its first frame decodes to: its header is missing or damaged, and
    what decodes is not the video (e.g. a file whose first bytes were cut decodes to noise)."""
    if not (np.isfinite(frame_count) and frame_count >= 1) or claimed_size != size:
        claims = (f'a frame count of {frame_count:g}' if claimed_size == size else
                  f'{claimed_size[0]}x{claimed_size[1]} frames that decode as {size[0]}x{size[1]}')
        raise InferenceError(
            f'{path} is corrupt: its header declares {claims} (is the start of the file '
            'missing?). Re-encode it from the original (e.g. with ffmpeg) or extract its frames '
            'to a folder')


def _image_size(file: str) -> tuple:
    """``(width, height)`` of an image from its header, after checking that the whole file is
    there (PNG: every chunk's checksum, without decoding the pixels)."""
    try:
        with Image.open(file) as image:
            size = image.size
            image.verify()
            return size
    except (OSError, SyntaxError) as err:
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


def default_codec(path: str) -> str:
    """The codec of a video OUTPUT when none is given: Motion JPEG for .avi, else H.264."""
    return 'mjpeg' if osp.splitext(path)[1].lower() == '.avi' else 'h264'


def h264_available() -> bool:
    """Whether PyAV is installed with the libx264 encoder."""
    return av is not None and 'libx264' in av.codecs_available


def has_audio(path: str) -> bool:
    """Whether PyAV finds an audio stream in the video file ``path`` (False when it cannot)."""
    if av is None:
        return False
    try:
        with av.open(path) as container:
            return bool(container.streams.audio)
    except WRITE_ERRORS:
        return False


class _PyAVWriter:
    """An H.264 (libx264, yuv420p) writer with OpenCV's ``write(frame)`` / ``release()``, which
    copies the first audio stream of ``audio`` (a video file) when released.

    Errors of the encoder or the muxer (e.g. a full disk) raise: :class:`VideoFileSink` turns them
    into an :class:`InferenceError`.
    """

    def __init__(self, path: str, fps: float, width: int, height: int, crf: int,
                 audio: Optional[str] = None):
        options = {'movflags': '+faststart'} if path.lower().endswith(('.mp4', '.mov')) else {}
        self.container = av.open(path, 'w', options=options)
        self.stream = self.container.add_stream(
            'libx264', rate=Fraction(fps).limit_denominator(100000), options={'crf': str(crf)})
        self.stream.width, self.stream.height, self.stream.pix_fmt = width, height, 'yuv420p'
        self.audio_in = self.audio_stream = None
        if audio is not None:
            self.audio_in = av.open(audio)
            self.audio_stream = self.container.add_stream_from_template(
                self.audio_in.streams.audio[0])
        self.index = 0

    def write(self, frame: np.ndarray) -> None:
        image = av.VideoFrame.from_ndarray(frame, format='bgr24')
        image.pts = self.index
        self.index += 1
        self.container.mux(self.stream.encode(image))

    def release(self) -> None:
        """Flush the encoder, copy the audio and close the file (once; later calls do nothing)."""
        if self.container is None:
            return
        container, self.container = self.container, None
        try:
            container.mux(self.stream.encode())
            if self.audio_in is not None:
                for packet in self.audio_in.demux(self.audio_in.streams.audio[0]):
                    if packet.dts is not None:
                        packet.stream = self.audio_stream
                        container.mux(packet)
        finally:
            container.close()
            if self.audio_in is not None:
                self.audio_in.close()


class VideoFileSink:
    """Write frames to a video file, under a temporary name until :meth:`close`.

    The temporary file ``.<name>.partial<ext>`` sits in the output folder and keeps the extension,
    from which the container is chosen; :meth:`abort` deletes it. H.264 is written with PyAV
    (libx264, yuv420p, ``crf``), which also copies ``audio``; ``mp4v`` and ``mjpeg`` with OpenCV
    (no audio). Without PyAV or libx264, ``h264`` falls back to ``mp4v`` (``.avi``: ``mjpeg``),
    with a line in :attr:`notes`.

    Args:
        path (str): Output video (.mp4, .mkv, .mov, .avi).
        fps (float): Frame rate.
        width (int): Frame width.
        height (int): Frame height.
        codec (str, optional): A key of :data:`CODECS`; :func:`default_codec` when None.
        crf (int): Constant rate factor of H.264. Default: :data:`DEFAULT_CRF`.
        audio (str, optional): Video file whose first audio stream is copied (H.264 only).

    Attributes:
        codec (str): The codec written.
        audio (bool): Whether audio is copied.
        notes (list[str]): What differs from what was asked (fallback codec, dropped audio).
    """

    def __init__(self, path: str, fps: float, width: int, height: int,
                 codec: Optional[str] = None, crf: int = DEFAULT_CRF,
                 audio: Optional[str] = None):
        self.path = path
        self.size = (width, height)
        self.written = 0
        self.notes = []
        folder, name = osp.split(osp.abspath(path))
        stem, ext = osp.splitext(name)
        self.tmp = osp.join(folder, f'.{stem}.partial{ext}')
        self.codec = codec or default_codec(path)
        if self.codec not in CODECS:
            raise InferenceError(f'unknown codec {self.codec!r}: choose one of '
                                 f'{", ".join(CODECS)} (--codec)')
        if self.codec == 'mjpeg' and ext.lower() == '.mp4':
            raise InferenceError(f'MP4 holds no Motion JPEG: write {name} with --codec h264 or '
                                 'mp4v, or choose a .avi, .mkv or .mov OUTPUT')
        if self.codec == 'h264' and not h264_available():
            self.codec = 'mjpeg' if ext.lower() == '.avi' else 'mp4v'
            self.notes.append(f'PyAV with libx264 is not available: {name} is written as '
                              f'{self.codec} by OpenCV (which browsers may not play)')
        if self.codec == 'h264' and (width % 2 or height % 2):
            raise InferenceError(f'H.264 (yuv420p) needs an even frame size, the output is '
                                 f'{width}x{height}: crop the input to an even size, or write '
                                 '--codec mjpeg or a folder of PNG frames')
        if audio is not None and self.codec != 'h264':
            self.notes.append(f'the audio of the input is dropped: --codec {self.codec} is '
                              'written by OpenCV, without audio (use --codec h264 to keep it)')
            audio = None
        self.audio = audio is not None
        check_writable(path)
        os.makedirs(folder, exist_ok=True)
        self.writer = self._open_writer(fps, crf, audio)

    def _open_writer(self, fps: float, crf: int, audio: Optional[str]):
        width, height = self.size
        if self.codec == 'h264':
            try:
                return _PyAVWriter(self.tmp, fps, width, height, crf, audio)
            except WRITE_ERRORS as err:
                reason = err
        else:
            writer = cv2.VideoWriter(self.tmp, cv2.VideoWriter_fourcc(*CODECS[self.codec]), fps,
                                     (width, height))
            if writer.isOpened():
                return writer
            reason = 'OpenCV cannot open the writer'
        self.abort()
        check_writable(self.path)  # the folder may have become unwritable since
        raise InferenceError(
            f'cannot write a {width}x{height} {self.codec} video at {fps:g} fps to {self.path} '
            f'({reason}): write another codec (--codec {", ".join(CODECS)}) or format '
            f'({", ".join(VIDEO_FOURCC)}) or a folder of PNG frames')

    def done(self, index: int) -> bool:
        """A video is always written from its first frame."""
        return False

    def write(self, index: int, frame: np.ndarray) -> None:
        try:
            self.writer.write(np.ascontiguousarray(frame))
        except WRITE_ERRORS as err:  # PyAV's errors; OpenCV's writer reports none
            self.abort()
            raise InferenceError(f'writing {self.path} failed ({err}): {self.path} was left as '
                                 'it was; free some space or choose another OUTPUT') from err
        self.written += 1

    def close(self) -> None:
        """Finish the file, check that it decodes to every frame written, then rename it.

        OpenCV's writer reports no write error (e.g. a full disk): the file is read back, and a
        short or undecodable one is refused, so that a failed video never replaces ``path``.

        Raises:
            InferenceError: The written file is not the whole video (the temporary file is
                removed and ``path`` left as it was).
        """
        try:
            self.writer.release()
        except WRITE_ERRORS:
            pass  # what reached the file is counted below
        decoded = _count_decodable_frames(self.tmp, self.size)
        if decoded != self.written:
            self.abort()
            raise InferenceError(
                f'writing {self.path} failed: the file holds {decoded} decodable frames of the '
                f'{self.written} written (is the disk full?); {self.path} was left as it was: '
                'free some space or choose another OUTPUT')
        try:
            os.replace(self.tmp, self.path)
        except OSError as err:
            self.abort()
            raise InferenceError(f'cannot replace {self.path} ({err.strerror}): choose another '
                                 'OUTPUT') from err

    def abort(self, discard: bool = True) -> None:
        """Delete the temporary file (a video cannot be resumed, ``discard`` is ignored)."""
        writer = getattr(self, 'writer', None)
        if writer is not None:
            try:
                writer.release()
            except WRITE_ERRORS:
                pass
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
    """Write frames as ``<folder>/00000000.png, ...``, moved into place when all are written.

    Frames go to a temporary sibling folder ``.<name>.partial`` (:func:`partial_folder`), each
    PNG written atomically, with a manifest of the run's settings and a fingerprint of its input
    (:data:`MANIFEST_NAME`); :meth:`close` checks that every frame is there and renames the folder
    to ``path``, replacing an earlier output (``overwrite``) only then. ``path`` therefore holds
    either nothing, the earlier output or the complete new one. An interrupted or failed run
    keeps its temporary folder: ``resume`` continues it after checking that the manifest matches,
    and keeps the frames already written (:meth:`done`).

    Args:
        path (str): Output folder.
        num_frames (int): Number of output frames, ``00000000.png`` to ``num_frames - 1``.
        manifest (dict): Settings that determine the frames (input and its fingerprint, range,
            model, time factor).
        overwrite (bool): Replace an earlier output (when complete) and discard an interrupted
            run.
        resume (bool): Continue an interrupted run with the same manifest.
    """

    def __init__(self, path: str, num_frames: int, manifest: dict, overwrite: bool = False,
                 resume: bool = False):
        self.path = path
        self.num_frames = num_frames
        self.manifest = manifest
        self.folder = partial_folder(path)  # where frames are written
        self.written = set()
        self._started = False  # folder and manifest written by this run
        entries = os.listdir(path) if osp.isdir(path) else []
        if resume and MANIFEST_NAME in entries and not osp.isdir(self.folder):
            # the output of a finished run (or of an older version, which wrote in place)
            self.written = self._resumable_frames(path)
            self.folder = path
            return
        if entries:
            _check_replaceable(path, entries, overwrite, resume)
        if osp.isdir(self.folder):
            if resume:
                self.written = self._resumable_frames(self.folder)
            elif overwrite:
                shutil.rmtree(self.folder)
            else:
                raise InferenceError(f'an interrupted run left {self.folder}: pass --resume to '
                                     'continue it, or --overwrite to start again')

    def _resumable_frames(self, folder: str) -> set:
        """The frames of ``folder``, after checking that its manifest is this run's."""
        frames = {int(n[:-4]) for n in os.listdir(folder) if FRAME_PATTERN.match(n)}
        file = osp.join(folder, MANIFEST_NAME)
        if not osp.isfile(file):
            if frames:
                raise InferenceError(f'{folder} holds frames this tool did not write (no '
                                     f'{MANIFEST_NAME}): they cannot be resumed; pass --overwrite '
                                     'or choose another OUTPUT')
            return frames
        with open(file) as f:
            previous = json.load(f)
        _check_same_run(folder, previous, self.manifest)
        return frames

    def done(self, index: int) -> bool:
        """Whether frame ``index`` is written (by this run or a resumed one)."""
        return index in self.written

    def write(self, index: int, frame: np.ndarray) -> None:
        try:
            if not self._started:
                os.makedirs(self.folder, exist_ok=True)
                with atomic_output(osp.join(self.folder, MANIFEST_NAME)) as tmp, \
                        open(tmp, 'w') as f:
                    json.dump(self.manifest, f, indent=2)
                self._started = True
            write_png(osp.join(self.folder, FRAME_NAME.format(index)), frame)
        except OSError as err:
            raise InferenceError(
                f'writing frame {index} to {self.folder} failed ({err.strerror or err}): free '
                'some space (or fix the folder) and rerun with --resume to continue') from err
        self.written.add(index)

    def close(self) -> None:
        """Check that every frame is written, then move the folder into place.

        Raises:
            InferenceError: Frames are missing (the temporary folder is kept for ``resume``).
        """
        missing = [i for i in range(self.num_frames)
                   if not osp.isfile(osp.join(self.folder, FRAME_NAME.format(i)))]
        if missing:
            raise InferenceError(
                f'{len(missing)} of the {self.num_frames} output frames are missing from '
                f'{self.folder} (first: {FRAME_NAME.format(missing[0])}): rerun with --resume '
                'to write them')
        if self.folder == self.path:
            return
        old = None
        if osp.isdir(self.path):  # an earlier output (overwrite) or an empty folder
            old = partial_folder(self.path, '.replaced')
            os.rename(self.path, old)
        os.rename(self.folder, self.path)
        if old is not None:
            shutil.rmtree(old)

    def abort(self, discard: bool = False) -> None:
        """Keep the frames written so far in the temporary folder, for ``resume`` to continue,
        or delete it (``discard``, e.g. when the input proved bad)."""
        if discard and self.folder != self.path and osp.isdir(self.folder):
            shutil.rmtree(self.folder)


def partial_folder(path: str, suffix: str = '.partial') -> str:
    """The temporary sibling ``.<name><suffix>`` of a frame-folder OUTPUT.

    Args:
        path (str): Output folder.
        suffix (str): Suffix of the sibling's name. Default: '.partial'.

    Returns:
        str: The sibling's path.
    """
    folder, name = osp.split(osp.normpath(osp.abspath(path)))
    return osp.join(folder, f'.{name}{suffix}')


def _check_same_run(folder: str, previous: dict, manifest: dict) -> None:
    """Refuse to resume ``folder`` when its manifest ``previous`` is not ``manifest``."""
    if previous.get('input') == manifest.get('input') and \
            previous.get('input_fingerprint') != manifest.get('input_fingerprint'):
        raise InferenceError(
            f'the input {manifest["input"]} changed since {folder} was written (its size, '
            'modification time or first frames differ): the frames kept would mix two videos; '
            'pass --overwrite to start again')
    differ = [k for k in sorted(set(previous) | set(manifest))
              if previous.get(k) != manifest.get(k)]
    if differ:
        changes = ', '.join(f'{k}: {previous.get(k)!r} -> {manifest.get(k)!r}' for k in differ)
        raise InferenceError(f'{folder} was written with other settings ({changes}): resume '
                             'with the same settings, or pass --overwrite')


def _check_replaceable(path: str, entries: list, overwrite: bool, resume: bool) -> None:
    """Refuse to replace the non-empty OUTPUT folder ``path`` holding ``entries`` unless asked to
    (``overwrite``) and unless it holds nothing but this tool's frames and manifest."""
    if not overwrite:
        if resume and MANIFEST_NAME not in entries:
            raise InferenceError(f'{path} holds files this tool did not write (no '
                                 f'{MANIFEST_NAME}): there is no run to resume; pass --overwrite '
                                 'or choose another OUTPUT')
        again = ('--resume to complete it with the same settings, '
                 if MANIFEST_NAME in entries else '')
        raise InferenceError(f'output folder {path} exists and is not empty: pass {again}'
                             '--overwrite to replace its frames, or choose another OUTPUT')
    others = sorted(n for n in entries if not FRAME_PATTERN.match(n) and n != MANIFEST_NAME)
    if others:
        raise InferenceError(f'{path} holds files this tool did not write ({", ".join(others[:3])}'
                             '): --overwrite replaces only a folder of its own frames; move them '
                             'away or choose another OUTPUT')


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
    check_writable(path)
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


def check_writable(path: str) -> None:
    """Check that an output can be created at ``path``, without creating anything.

    A file is created and removed in the nearest existing folder on the way to ``path``, which
    finds read-only file systems and missing permissions (also for root) before any work.

    Args:
        path (str): Output file or folder.

    Raises:
        InferenceError: A parent of ``path`` is a file, or the folder is not writable.
    """
    folder = osp.dirname(osp.abspath(path))
    while not osp.exists(folder):
        folder = osp.dirname(folder)
    if not osp.isdir(folder):
        raise InferenceError(f'cannot write OUTPUT {path}: {folder} is a file, not a folder; '
                             'choose another OUTPUT')
    try:
        handle, probe = tempfile.mkstemp(prefix='.stvsr-write-test-', dir=folder)
        os.close(handle)
        os.remove(probe)
    except OSError as err:
        raise InferenceError(f'cannot write OUTPUT {path}: {folder} is not writable '
                             f'({err.strerror}); choose another OUTPUT or make the folder '
                             'writable') from err


#: Length of the ``--compare`` video in seconds of output (it starts with the output).
COMPARE_SECONDS = 10
#: Height of the label bar above the panels of a comparison frame (even, for H.264).
COMPARE_LABEL_HEIGHT = 20


def compare_path(output: str) -> str:
    """The comparison video written next to OUTPUT: ``<OUTPUT without extension>_compare.mp4``."""
    return osp.splitext(osp.normpath(output))[0] + '_compare.mp4'


class CompareSink:
    """A short side-by-side video: the input frame nearest in time before each output frame,
    upscaled bicubically, next to the output frame, under a label bar.

    Written with :class:`VideoFileSink` (same guarantees); frames after the first
    :data:`COMPARE_SECONDS` seconds are not written.

    Args:
        path (str): Video file to write (see :func:`compare_path`).
        fps (float): Output frame rate.
        width (int): Output frame width.
        height (int): Output frame height.
        codec (str, optional): See :class:`VideoFileSink`.
        crf (int): See :class:`VideoFileSink`.
    """

    def __init__(self, path: str, fps: float, width: int, height: int,
                 codec: Optional[str] = None, crf: int = DEFAULT_CRF):
        self.path = path
        self.size = (width, height)
        self.limit = max(2, int(round(COMPARE_SECONDS * fps)))
        self.sink = VideoFileSink(path, fps, 2 * width + 4, height + COMPARE_LABEL_HEIGHT, codec,
                                  crf)

    def wants(self, index: int) -> bool:
        """Whether output frame ``index`` goes into the comparison."""
        return index < self.limit

    def write(self, index: int, lr: np.ndarray, output: np.ndarray) -> None:
        """Write the comparison of output frame ``index`` with the input frame ``lr``."""
        upscaled = cv2.resize(lr, self.size, interpolation=cv2.INTER_CUBIC)
        gap = np.full((self.size[1], 4, 3), 255, np.uint8)
        bar = text_tile(2 * self.size[0] + 4, COMPARE_LABEL_HEIGHT,
                        [(4, 'input (bicubic)'), (self.size[0] + 8, 'output')], font_scale=0.45,
                        margin=6)
        self.sink.write(index, np.concatenate([bar, np.concatenate([upscaled, gap, output], 1)]))

    def close(self) -> None:
        self.sink.close()

    def abort(self, discard: bool = True) -> None:
        self.sink.abort()
