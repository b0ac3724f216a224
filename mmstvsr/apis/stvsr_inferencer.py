"""Space-time super-resolution of whole videos: any length (streamed), any size (tiled)."""
import math
import os
import os.path as osp
import time
from typing import Callable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmagic.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import CheckpointLoader
from tqdm import tqdm

from mmstvsr.models.base_models import BaseSTVSRModel
from mmstvsr.utils.checkpoint import CheckpointError
from mmstvsr.utils.fast_path import autocast, default_path, parse_precision, prepare_model
from mmstvsr.utils.flow import FlowProvider
from mmstvsr.utils.temporal import num_output_frames, uniform_times
from .tiling import axis_tiles, weight_sum
from .video_io import (DEFAULT_CRF, CompareSink, FrameFolderSink, FrameSource, InferenceError,
                       InputError, VideoFileSink, check_output, compare_path, has_audio,
                       open_source)

#: Input frames per window for models whose ``test_cfg`` sets no ``window``.
DEFAULT_WINDOW = 4
#: Generator inputs the inferencer computes on whole frames, with the flow provider of the config's
#: test pipeline (:class:`~mmstvsr.datasets.transforms.FarnebackFlow`), so that every tile sees the
#: flows the pipeline would give.
FLOW_INPUTS = ('flow_fwd', 'flow_bwd')
#: Test-pipeline steps that compute ``FLOW_INPUTS``; the first one found is used on the frames.
FLOW_TRANSFORMS = ('FarnebackFlow', 'PyflowFlow')


class Window(NamedTuple):
    """A test window: input range ``[start, stop)``, the slice of its outputs to keep and the
    global indices of those outputs."""

    start: int
    stop: int
    keep: slice
    outputs: range


class STVSRInferencer:
    """Space-time super-resolve videos with an mmstvsr model, in constant memory.

    ``N`` input frames give ``(N - 1) * f + 1`` output frames at time factor ``f`` (intermediate
    positions ``1/f, ..., (f-1)/f``), ``scale`` times larger. Frames are read lazily and processed
    in the model's test windows (``test_cfg.window`` inputs, neighbouring windows sharing one
    frame, see :func:`~mmstvsr.utils.temporal.window_output_slices`); each window can be split into
    overlapping spatial tiles (:mod:`mmstvsr.apis.tiling`) whose outputs are blended. Output
    frames are written as soon as they are final, so memory depends on the frame size, not on the
    length of the video. Padding to the generator's ``size_divisor`` is done by the model.

    Example:
        >>> inferencer = STVSRInferencer('configs/baselines/bicubic-flow_x4_vimeo-septuplet.py')
        >>> inferencer('in.mp4', 'out.mp4', time_factor=2)

    Args:
        config (str | Config): Config of a :class:`BaseSTVSRModel`, or its path.
        checkpoint (str, optional): MMEngine checkpoint (weights under ``state_dict``) or plain
            state dict of the model. Required for learned models; non-learned ones (the classical
            baselines) need none. Default: None.
        device (str, optional): 'cpu' or 'cuda[:N]'. Default: CUDA when available, else CPU.
        fp16 (bool): Deprecated alias of ``precision='fp16'``. Default: False.
        precision (str, optional): ``'fp32'``, ``'bf16'`` (CPUs with native bf16, CUDA) or
            ``'fp16'`` (CUDA only): the model runs under ``torch.autocast`` with that dtype,
            its warps and deformable convolutions in float32. The memory format is that of
            :func:`~mmstvsr.utils.fast_path.default_path` (channels_last on CPU). Default: None
            (fp32, or fp16 with ``fp16=True``).
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 device: Optional[str] = None,
                 fp16: bool = False,
                 precision: Optional[str] = None):
        self.device = _device(device)
        self.path = _run_path(self.device, fp16, precision)
        self.precision = self.path.precision
        self.fp16 = self.precision == 'fp16'
        if isinstance(config, str):
            if not osp.isfile(config):
                raise InferenceError(f'config file not found: {config}')
            config = Config.fromfile(config)
        self.cfg = config
        self.config_name = config.filename or '<Config>'
        self.checkpoint = checkpoint
        init_default_scope(self.cfg.get('default_scope', 'mmagic'))
        self.channel_order = _input_channel_order(config)
        self.flows = self._build_flow_provider()
        self.model = self._build_model(checkpoint)

    def _build_flow_provider(self) -> Optional[FlowProvider]:
        """The flow provider of the config's test pipeline when the model takes flows (None
        when not), checked to run here before the model is built (e.g. the STARnet authors'
        pyflow, an optional extension)."""
        if not set(FLOW_INPUTS) <= set(self.cfg.model.get('extra_inputs', ())):
            return None
        provider = TRANSFORMS.build(_flow_step(self.cfg)).provider
        try:
            provider.check_installed()
        except ImportError as err:
            raise InferenceError(f'{self.config_name}: {err}') from err
        return provider

    def _build_model(self, checkpoint: Optional[str]) -> BaseSTVSRModel:
        model = MODELS.build(self.cfg.model)
        if not isinstance(model, BaseSTVSRModel):
            raise InferenceError(f'{self.config_name} defines a {type(model).__name__}, not a '
                                 'space-time SR model (BaseSTVSRModel): give an STVSR config')
        if checkpoint is None:
            try:  # no trainable weights; fixed parts read their weight files (init_cfg)
                model.init_without_checkpoint(self.config_name, 'checkpoint (--checkpoint)')
            except (ValueError, FileNotFoundError) as err:
                raise InferenceError(str(err)) from err
        elif not osp.isfile(checkpoint):
            raise InferenceError(f'checkpoint not found: {checkpoint}')
        else:
            self._load_generator(model, checkpoint)
        return prepare_model(model.to(self.device).eval(), self.path)

    def _load_generator(self, model: BaseSTVSRModel, checkpoint: str) -> None:
        """Load the ``generator.*`` weights of ``checkpoint`` strictly into ``model.generator``.

        Weights outside the generator (e.g. a perceptual loss's VGG, which a converted authors'
        checkpoint does not hold) are not needed to predict and are not required.
        """
        try:
            state = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
        except CheckpointError as err:
            raise InferenceError(str(err)) from err
        state = state.get('state_dict', state) if isinstance(state, dict) else {}
        weights = {k[len('generator.'):]: v for k, v in state.items()
                   if isinstance(k, str) and k.startswith('generator.')}
        if not weights and any(True for _ in model.generator.parameters()):
            raise InferenceError(f'{checkpoint} holds no mmstvsr model weights (generator.* '
                                 "keys): convert an authors' checkpoint with "
                                 'tools/model_converters/<method>_to_mmstvsr.py first')
        try:
            model.generator.load_state_dict(weights, strict=True)
        except RuntimeError as err:
            raise InferenceError(f'{checkpoint} does not fit {self.config_name}: {err}; give '
                                 'the config the checkpoint was trained with') from err

    @property
    def scale(self) -> int:
        """Spatial upsampling factor of the model."""
        return self.model.scale

    def windows(self, num_frames: int, time_factor: int) -> List[Window]:
        """The test windows of a clip and the output frames each one produces.

        Args:
            num_frames (int): Number of input frames (>= 2).
            time_factor (int): Temporal upsampling factor f.

        Returns:
            list[Window]: Windows in order; their ``outputs`` partition
            ``range((num_frames - 1) * f + 1)``.
        """
        windows = []
        for start, stop, keep in self.model.test_windows(num_frames, time_factor - 1,
                                                         DEFAULT_WINDOW):
            first = start * time_factor  # global index of the window's first output
            windows.append(Window(start, stop, keep, range(first + keep.start, first + keep.stop)))
        return windows

    def predict(self,
                frames: Sequence[np.ndarray],
                time_factor: int = 2,
                tile: int = 0,
                tile_overlap: int = 16) -> np.ndarray:
        """Space-time super-resolve frames held in memory.

        Args:
            frames (Sequence[np.ndarray]): ``N >= 2`` BGR uint8 frames ``(h, w, 3)``.
            time_factor (int): Temporal upsampling factor f. Default: 2.
            tile (int): Tile size in LR pixels; 0 processes whole frames. Default: 0.
            tile_overlap (int): Overlap of neighbouring tiles in LR pixels. Default: 16.

        Returns:
            np.ndarray: ``((N - 1) * f + 1, s*h, s*w, 3)`` BGR uint8 frames.
        """
        if len(frames) < 2:
            raise InferenceError(f'space-time SR needs at least two frames, got {len(frames)}')
        windows = self.windows(len(frames), time_factor)
        return np.stack([frame for _, frame in self._run(iter(frames), windows, time_factor,
                                                         tile, tile_overlap)])

    def __call__(self,
                 input: str,
                 output: str,
                 time_factor: int = 2,
                 start_frame: int = 0,
                 end_frame: Optional[int] = None,
                 fps: Optional[float] = None,
                 tile: int = 0,
                 tile_overlap: int = 16,
                 overwrite: bool = False,
                 resume: bool = False,
                 progress: bool = True,
                 codec: Optional[str] = None,
                 crf: int = DEFAULT_CRF,
                 compare: bool = False) -> dict:
        """Space-time super-resolve a video file or frame folder into a video or frame folder.

        Inputs and options are checked before any output is written, and ``output`` appears
        complete or not at all. A video is written under a temporary name, read back and renamed
        when complete (deleted on failure). Frames are written into a temporary sibling folder
        (:class:`~mmstvsr.apis.video_io.FrameFolderSink`) moved into place when complete; an
        interrupted run keeps it, and with ``resume`` windows whose outputs all exist are not
        recomputed, after checking that the settings and the input's fingerprint (size,
        modification time, first frames) are those of the interrupted run.

        Args:
            input (str): Video file (mp4, avi, mkv, mov...) or folder of PNG/JPEG frames.
            output (str): Video file (.mp4, .avi, .mkv, .mov) or folder for PNG frames.
            time_factor (int): Temporal upsampling factor f >= 2. Default: 2.
            start_frame (int): First input frame. Default: 0.
            end_frame (int, optional): Input frame after the last one; the end when None.
            fps (float, optional): Frame rate of the input; the video's own, or 25 for a frame
                folder, when None. The output runs at ``fps * time_factor``.
            tile (int): Tile size in LR pixels; 0 processes whole frames. Default: 0.
            tile_overlap (int): Overlap of neighbouring tiles in LR pixels. Default: 16.
            overwrite (bool): Replace an existing OUTPUT. Default: False.
            resume (bool): Continue an interrupted frame-folder run. Default: False.
            progress (bool): Show a progress bar. Default: True.
            codec (str, optional): Codec of a video OUTPUT, 'h264' (through PyAV, with the
                input's audio when the run covers the whole input at its own frame rate),
                'mp4v' or 'mjpeg' (OpenCV, no audio); default: 'mjpeg' for .avi, else 'h264'.
            crf (int): Constant rate factor of H.264 (0-51, lower is better and larger).
                Default: :data:`~mmstvsr.apis.video_io.DEFAULT_CRF`.
            compare (bool): Also write the first seconds as a side-by-side video (input upscaled
                bicubically | output), :func:`~mmstvsr.apis.video_io.compare_path`. Default:
                False.

        Returns:
            dict: ``output``, ``num_inputs``, ``num_outputs``, ``computed`` (frames computed by
            this call), ``fps`` (output frame rate), ``size`` ``(width, height)``, ``codec``
            ('png' for a frame folder), ``audio`` (copied or not), ``bytes`` (size of OUTPUT),
            ``seconds`` (time taken), ``compare`` (its path, or None) and ``notes`` (lines about
            what differs from what was asked, e.g. audio dropped).
        """
        began = time.monotonic()
        self._check_options(time_factor, tile, tile_overlap, fps, crf)
        kind = check_output(output, overwrite, resume, input)
        if compare:
            if resume:
                raise InferenceError('--compare writes a video from the first frame: it cannot '
                                     'be combined with --resume')
            check_output(compare_path(output), overwrite, False, input)
        source = open_source(input, start_frame, end_frame)
        in_fps = fps or source.fps
        if in_fps is None or not (math.isfinite(in_fps) and in_fps > 0):
            raise InferenceError(f'{input} declares no usable frame rate ({in_fps}): give it '
                                 'with --fps')
        width, height = source.width * self.scale, source.height * self.scale
        out_fps = in_fps * time_factor
        total = num_output_frames(source.num_frames, time_factor - 1)
        timing_kept = not start_frame and end_frame is None and fps in (None, source.fps)
        audio, notes = _audio_kept(input, kind, timing_kept)
        sinks = self._open_sinks(
            output, kind, out_fps, (width, height), dict(codec=codec, crf=crf),
            input if audio else None, lambda: FrameFolderSink(
                output, total, self._manifest(source, start_frame, time_factor), overwrite,
                resume), compare)
        sink = sinks[0]
        notes += getattr(sink, 'notes', [])
        lrs = {}  # input frames by index, kept for the comparison until its outputs are written
        frames = _recorded(source.frames(), lrs) if compare else source.frames()
        todo = [w for w in self.windows(source.num_frames, time_factor)
                if not all(sink.done(i) for i in w.outputs)]
        computed = sum(len(w.outputs) for w in todo)
        bar = tqdm(total=total, initial=total - computed, unit='frame',
                   desc=osp.basename(osp.normpath(output)), disable=not progress)
        try:
            for index, frame in self._run(frames, todo, time_factor, tile, tile_overlap):
                if not sink.done(index):
                    sink.write(index, frame)
                if compare and sinks[1].wants(index):
                    sinks[1].write(index, lrs[index // time_factor], frame)
                    for i in [i for i in lrs if i < index // time_factor]:
                        del lrs[i]
                elif compare:
                    lrs.clear()
                bar.update()
            for each in sinks:
                each.close()
        except InputError:
            for each in sinks:
                each.abort(discard=True)
            raise
        except BaseException:
            for each in sinks:
                each.abort()
            raise
        finally:
            bar.close()
        return dict(output=output, num_inputs=source.num_frames, num_outputs=total,
                    computed=computed, fps=out_fps, size=(width, height),
                    codec=getattr(sink, 'codec', 'png'), audio=audio, bytes=_size_on_disk(output),
                    seconds=time.monotonic() - began, compare=compare_path(output) if compare
                    else None, notes=notes)

    @staticmethod
    def _open_sinks(output: str, kind: str, out_fps: float, size: Tuple[int, int],
                    encoding: dict, audio_from: Optional[str], frame_folder: Callable[[], object],
                    compare: bool) -> list:
        """The sinks of a run: OUTPUT's (a :class:`VideoFileSink` of ``size`` ``(width,
        height)`` with ``encoding`` ``codec`` and ``crf`` and the audio of ``audio_from``, or
        the :class:`FrameFolderSink` that ``frame_folder()`` opens), then with ``compare`` the
        :class:`CompareSink`; OUTPUT's is aborted when the comparison's cannot open."""
        if kind == 'video':
            sink = VideoFileSink(output, out_fps, *size, encoding['codec'], encoding['crf'],
                                 audio_from)
        else:
            sink = frame_folder()
        if not compare:
            return [sink]
        codec = None if encoding['codec'] == 'mjpeg' else encoding['codec']
        try:
            return [sink, CompareSink(compare_path(output), out_fps, *size, codec,
                                      encoding['crf'])]
        except BaseException:
            sink.abort()
            raise

    def _check_options(self, time_factor: int, tile: int, tile_overlap: int,
                       fps: Optional[float], crf: int) -> None:
        """Check the numeric options of :meth:`__call__` before any work."""
        try:
            uniform_times(time_factor)
        except ValueError as err:
            raise InferenceError(f'{err} (--time-factor)') from err
        if tile < 0 or tile_overlap < 0 or (tile and tile_overlap >= tile):
            raise InferenceError(f'tiles need 0 <= --tile-overlap < --tile (got --tile {tile}, '
                                 f'--tile-overlap {tile_overlap}); --tile 0 disables tiling')
        if fps is not None and not (math.isfinite(fps) and fps > 0):
            raise InferenceError(f'--fps must be a positive finite number, got {fps}')
        if not 0 <= crf <= 51:
            raise InferenceError(f'--crf must lie in 0-51 (lower: better and larger), got {crf}')

    def _manifest(self, source: FrameSource, start: int, time_factor: int) -> dict:
        """The settings that determine the output frames, and the input's fingerprint
        (:meth:`~mmstvsr.apis.video_io.FrameSource.fingerprint`), recorded with a frame folder."""
        return dict(input=osp.abspath(source.path), input_fingerprint=source.fingerprint(),
                    start_frame=start, num_frames=source.num_frames, time_factor=time_factor,
                    config=self.config_name,
                    checkpoint=self.checkpoint and osp.abspath(self.checkpoint))

    def _run(self, frames: Iterator[np.ndarray], windows: List[Window], time_factor: int,
             tile: int, tile_overlap: int) -> Iterator[Tuple[int, np.ndarray]]:
        """Yield ``(output index, frame)`` of the given windows in order, reading frames lazily.

        Args:
            frames (Iterator[np.ndarray]): All input frames of the clip, in order.
            windows (list[Window]): The windows to compute (a subset of :meth:`windows`).
            time_factor (int): Temporal upsampling factor.
            tile (int): Tile size in LR pixels (0: whole frames).
            tile_overlap (int): Tile overlap in LR pixels.
        """
        times = torch.tensor(uniform_times(time_factor), device=self.device)
        held = _HeldFrames(frames)
        for i, window in enumerate(windows):
            lrs = held.get(window.start, window.stop)
            try:
                outputs = self._predict_window(lrs, times, window.keep, tile, tile_overlap)
            except (RuntimeError, ValueError) as err:
                if i > 0 or len(times) == 1:
                    raise
                raise InferenceError(
                    f'{type(self.model.generator).__name__} failed with {len(times)} '
                    f'intermediate frames per gap (time factor {time_factor}): {err}. Only models '
                    "that accept several positions t' (e.g. STINet, the classical baselines) "
                    'support time factors above 2: use --time-factor 2') from err
            yield from zip(window.outputs, outputs)

    @torch.no_grad()
    def _predict_window(self, lrs: np.ndarray, times: torch.Tensor, keep: slice, tile: int,
                        tile_overlap: int) -> np.ndarray:
        """Kept output frames of one window, blended from its tiles.

        Args:
            lrs (np.ndarray): BGR uint8 input frames ``(T, h, w, 3)``.
            times (Tensor): Intermediate positions t' ``(K,)``.
            keep (slice): Outputs of the window to return.
            tile (int): Tile size in LR pixels (0: whole frames).
            tile_overlap (int): Tile overlap in LR pixels.

        Returns:
            np.ndarray: BGR uint8 frames ``(len(keep), s*h, s*w, 3)``.
        """
        frames = torch.from_numpy(self._in_load_order(lrs)).to(self.device)
        inputs, samples = self.model.preprocess_frames(frames.permute(0, 3, 1, 2)[None].float(),
                                                       self.channel_order)
        extra = {} if self.flows is None else self._flows(lrs)
        h, w = inputs.shape[-2:]
        rows = axis_tiles(h, tile, tile_overlap, self.scale)
        cols = axis_tiles(w, tile, tile_overlap, self.scale)
        canvas = inputs.new_zeros(1, keep.stop - keep.start, 3, h * self.scale, w * self.scale)
        for row in rows:
            for col in cols:
                region = (slice(row.start, row.stop), slice(col.start, col.stop))
                out = self._forward(inputs[(..., *region)],
                                    {k: v[(..., *region)] for k, v in extra.items()}, times)
                weights = (row.weights[:, None] * col.weights[None]).to(self.device)
                canvas[..., row.output_slice(self.scale), col.output_slice(self.scale)] += \
                    out[:, keep].float() * weights
        totals = weight_sum(rows, self.scale)[:, None] * weight_sum(cols, self.scale)[None]
        canvas /= totals.to(self.device)
        if not torch.isfinite(canvas).all():
            raise InferenceError(
                f'{type(self.model.generator).__name__} gave non-finite values (NaN or inf) for '
                f'output frames {keep.start}-{keep.stop - 1} of a window: its weights are broken '
                '(e.g. a training run that diverged); use another checkpoint')
        canvas = self.model.data_preprocessor.destruct(canvas, samples)
        return canvas[0].round().byte().permute(0, 2, 3, 1).cpu().numpy()

    def _in_load_order(self, lrs: np.ndarray) -> np.ndarray:
        """BGR frames ``(T, h, w, 3)`` in the channel order the test pipeline loads them in."""
        return np.ascontiguousarray(lrs[..., ::-1]) if self.channel_order == 'rgb' else lrs

    def _flows(self, lrs: np.ndarray) -> dict:
        """``FLOW_INPUTS`` of a window, ``(1, T - 1, 2, h, w)`` each, computed on the uint8 frames
        by the flow provider of the config's test pipeline, so that they equal the pipeline's.

        Args:
            lrs (np.ndarray): BGR uint8 input frames ``(T, h, w, 3)``.
        """
        flows = self.flows(list(self._in_load_order(lrs)), self.channel_order)
        return {name: flow[None].to(self.device) for name, flow in zip(FLOW_INPUTS, flows)}

    def _forward(self, inputs: torch.Tensor, extra: dict, times: torch.Tensor):
        """The model's frames ``(1, T_out, 3, s*h, s*w)`` for normalised inputs
        ``(1, T, 3, h, w)``, generator inputs ``extra`` and positions ``times`` ``(K,)``."""
        with autocast(self.path, self.device):
            return self.model.predict_window(inputs, times, extra)


def _recorded(frames: Iterator[np.ndarray], store: dict) -> Iterator[np.ndarray]:
    """Yield ``frames``, also putting each in ``store`` under its index."""
    for index, frame in enumerate(frames):
        store[index] = frame
        yield frame


def _audio_kept(input: str, kind: str, timing_kept: bool) -> Tuple[bool, List[str]]:
    """Whether the input's audio goes into OUTPUT (a video run that keeps the whole input at its
    own frame rate), and the note saying why it is dropped when it has some and does not."""
    audio = osp.isfile(input) and has_audio(input)
    if not audio or (kind == 'video' and timing_kept):
        return audio, []
    return False, ['the audio of the input is dropped: ' + (
        'a frame folder holds none' if kind != 'video' else
        '--start-frame, --end-frame or --fps change its timing')]


def _size_on_disk(path: str) -> int:
    """Bytes of a file, or of the files directly in a folder."""
    if osp.isdir(path):
        return sum(e.stat().st_size for e in os.scandir(path) if e.is_file())
    return osp.getsize(path)


class _HeldFrames:
    """The input frames of the current window, read on demand from an iterator.

    Windows are requested in increasing order; frames before the requested window are dropped,
    so at most one window of frames is held.
    """

    def __init__(self, frames: Iterator[np.ndarray]):
        self._frames = frames
        self._held: List[Tuple[int, np.ndarray]] = []
        self._next = 0  # index of the next frame of the iterator

    def get(self, start: int, stop: int) -> np.ndarray:
        """Frames ``[start, stop)`` as a ``(stop - start, h, w, 3)`` array."""
        self._held = [(i, f) for i, f in self._held if i >= start]
        while self._next < stop:
            frame = next(self._frames, None)
            if frame is None:
                raise InputError(f'the input ended after {self._next} frames, before frame '
                                 f'{stop - 1} of the window [{start}, {stop})')
            if self._next >= start:
                self._held.append((self._next, frame))
            self._next += 1
        return np.stack([f for i, f in self._held if i < stop])


def _run_path(device: torch.device, fp16: bool, precision: Optional[str]):
    """The :class:`~mmstvsr.utils.fast_path.RunPath` of ``precision`` (``fp16=True``: 'fp16')
    on ``device``; one-line :class:`InferenceError` for what ``device`` cannot run."""
    try:
        precision = parse_precision(precision or ('fp16' if fp16 else 'fp32'))
    except ValueError as err:
        raise InferenceError(f'{err} (--precision)') from err
    if fp16 and precision != 'fp16':
        raise InferenceError(f'fp16=True and precision={precision!r} disagree: give precision '
                             'only (--precision; --fp16 is its deprecated alias for fp16)')
    if fp16 and device.type != 'cuda':
        raise InferenceError('--fp16 runs the model in half precision on a GPU: add '
                             '--device cuda, or drop --fp16 on the CPU')
    try:
        return default_path(device, precision)
    except ValueError as err:
        raise InferenceError(str(err)) from err


def _device(name: Optional[str]) -> torch.device:
    """The torch device named ``name`` ('cpu', 'cuda' or 'cuda:N'), checked to exist here;
    CUDA when available, else the CPU, when None."""
    if name is None:
        return torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    try:
        device = torch.device(name)
    except RuntimeError:
        device = None
    if device is None or device.type not in ('cpu', 'cuda'):
        raise InferenceError(f'unknown device {name!r}: give cpu, cuda or cuda:N (--device)')
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise InferenceError('CUDA is not available on this machine: run on the CPU '
                             '(--device cpu)')
    if device.type == 'cuda' and (device.index or 0) >= torch.cuda.device_count():
        raise InferenceError(f'there is no GPU {name}: this machine has '
                             f'{torch.cuda.device_count()} (cuda:0 to '
                             f'cuda:{torch.cuda.device_count() - 1})')
    return device


def _test_pipeline(cfg: Config) -> list:
    """The config's test pipeline (empty when it has none)."""
    loader = cfg.get('test_dataloader') or {}
    return cfg.get('test_pipeline') or loader.get('dataset', {}).get('pipeline', [])


def _input_channel_order(cfg: Config) -> str:
    """Channel order ('rgb' or 'bgr') in which the config's test pipeline loads frames."""
    for step in _test_pipeline(cfg):
        if step.get('type') == 'LoadImageFromFile':
            return step.get('channel_order', 'bgr').lower()
    return 'bgr'


def _flow_step(cfg: Config) -> dict:
    """The flow step of the config's test pipeline; Farneback's defaults when it has none."""
    for step in _test_pipeline(cfg):
        if step.get('type') in FLOW_TRANSFORMS:
            return step
    return dict(type='FarnebackFlow')
