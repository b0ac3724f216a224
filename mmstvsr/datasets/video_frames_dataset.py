"""Videos stored as folders of frames, split into the windows of the space-time SR benchmarks."""
import os
import os.path as osp
from typing import List, Tuple

from mmagic.registry import DATASETS
from mmengine.dataset import BaseDataset
from mmengine.fileio import list_from_file

from mmstvsr.utils.files import IMAGE_EXTENSIONS, natural_key
from mmstvsr.utils.temporal import plan_windows
from .frame_errors import CorruptFrameErrorMixin


def list_clips(folder: str, ann_file: str = '') -> List[str]:
    """Names of the clips of a dataset.

    Args:
        folder (str): Folder whose sub-folders are the clips.
        ann_file (str): Optional list file naming one clip per line (its first word, so that
            MMagic's ``meta_info_Vid4_GT.txt`` lines such as ``calendar 41`` work); when given, it
            replaces the listing of ``folder``. Default: ''.

    Returns:
        list[str]: Clip names, in list-file order or sorted naturally.
    """
    if ann_file:
        if not osp.isfile(ann_file):
            raise FileNotFoundError(f'clip list file not found: {ann_file}. Set ann_file relative '
                                    'to data_root, or to \'\' to use every clip folder')
        clips = [line.split()[0] for line in list_from_file(ann_file) if line.strip()]
        if not clips:
            raise ValueError(f'the list file {ann_file} names no clip')
        return clips
    if not osp.isdir(folder):
        raise FileNotFoundError(f'clip folder not found: {folder}. Set data_root (and data_prefix) '
                                'to the folder holding one sub-folder of frames per clip')
    clips = sorted((name for name in os.listdir(folder) if osp.isdir(osp.join(folder, name))),
                   key=natural_key)
    if not clips:
        raise ValueError(f'{folder} holds no clip folder: expected one sub-folder of frames per '
                         'clip')
    return clips


def list_frames(folder: str) -> List[str]:
    """File names of the frames of one clip folder, sorted naturally.

    Args:
        folder (str): Clip folder.

    Returns:
        list[str]: Names of its image files (:data:`IMAGE_EXTENSIONS`).
    """
    if not osp.isdir(folder):
        raise FileNotFoundError(f'clip folder not found: {folder}. Check data_root, data_prefix '
                                'and that the list file names existing clips')
    frames = sorted((name for name in os.listdir(folder)
                     if osp.splitext(name)[1].lower() in IMAGE_EXTENSIONS), key=natural_key)
    if not frames:
        raise ValueError(f'clip folder {folder} holds no frame (no {"/".join(IMAGE_EXTENSIONS)} '
                         'file)')
    return frames


def plan_frame_windows(num_frames: int,
                       num_inputs: int = 4,
                       input_gap: int = 2,
                       cover_tail: bool = True) -> List[Tuple[int, int]]:
    """Ground-truth windows of a clip, as the "skip" test mode of Zooming Slow-Mo cuts them.

    A window is ``span = (num_inputs - 1) * input_gap + 1`` consecutive GT frames whose inputs are
    every ``input_gap``-th frame from its first. Windows start every ``span - 1`` frames
    (neighbours share their boundary frame) while they fit in the clip; if frames remain after the
    last one, a final window of the last ``span`` frames covers them (``cover_tail``). A clip of
    fewer than ``span`` frames is a single window when its inputs can start and end it, i.e. when
    ``num_frames - 1`` is a positive multiple of ``input_gap``.

    Args:
        num_frames (int): Number of GT frames of the clip.
        num_inputs (int): Input frames per window. Default: 4.
        input_gap (int): GT frames from one input to the next. Default: 2.
        cover_tail (bool): Add the final window over the last frames. Default: True.

    Returns:
        list[tuple[int, int]]: ``(start, stop)`` GT frame ranges, ``stop`` exclusive, in order.
    """
    span = (num_inputs - 1) * input_gap + 1
    if num_frames < span:
        if num_frames <= input_gap or (num_frames - 1) % input_gap:
            raise ValueError(
                f'{num_frames} frames are too few for windows of {num_inputs} inputs '
                f'{input_gap} frames apart: a clip needs at least {span} frames, or a number of '
                f'frames n with n - 1 a positive multiple of {input_gap} (one window of all)')
        return [(0, num_frames)]
    windows = plan_windows(num_frames, span, span - 1)
    if not cover_tail:  # the tail window is the only one not starting on the stride
        windows = [(start, stop) for start, stop in windows if start % (span - 1) == 0]
    return windows


@DATASETS.register_module()
class VideoFramesDataset(CorruptFrameErrorMixin, BaseDataset):
    """Videos stored as folders of frames, split into windows as the space-time SR benchmarks do.

    Layout: ``<data_root>/<data_prefix['gt']>/<clip>/<frame>``, any image file names, sorted
    naturally (``Frame 2.png`` before ``Frame 10.png``). Each clip is cut into windows by
    :func:`plan_frame_windows`: ``span = (num_inputs - 1) * input_gap + 1`` consecutive HR frames,
    all targets, whose every ``input_gap``-th frame from the first is an input (frames 1, 3, 5, 7
    of 7 for Vid4). LR inputs are made in the pipeline
    (:class:`~mmstvsr.datasets.transforms.MATLABBicubicDownsample`) or, with
    ``data_prefix['img']``, read from ``<data_root>/<data_prefix['img']>/<clip>/`` (same file
    names as the HR frames).

    Windows overlap (neighbours share a boundary frame, a clip's tail window repeats earlier
    frames), so every item carries ``frame_ids``: with them in the metainfo,
    :class:`~mmstvsr.evaluation.STVSRMetric` scores every frame of a clip once, from the first
    window that produces it, as Zooming Slow-Mo's ``test.py`` does.

    Items: ``gt_path`` (list[str], the window's HR frames), ``img_path`` (list[str], its LR inputs;
    only with ``data_prefix['img']``), ``input_indices`` (list[int], positions of the inputs in the
    window), ``frame_ids`` (list[int], index in the clip of each HR frame of the window), ``clip``
    (str) and ``key`` (``'<clip>/<index of the window's first frame:05d>'``).

    Args:
        data_root (str): Dataset root.
        data_prefix (dict): Folders relative to ``data_root``: ``gt`` (HR frames) and optionally
            ``img`` (offline LR frames). Default: ``dict(gt='GT')``.
        ann_file (str): Optional list file, relative to ``data_root``, of the clips to use, one per
            line (first word). Default: '' (every sub-folder of the HR folder).
        num_inputs (int): Input frames per window. Default: 4.
        input_gap (int): HR frames from one input to the next, i.e. the temporal upsampling factor
            (``input_gap - 1`` frames to make between inputs: a model's ``times`` must be
            ``1 / input_gap .. (input_gap - 1) / input_gap``). Default: 2.
        cover_tail (bool): Add a final window of the last ``span`` frames when the regular windows
            miss frames at the end of a clip, so that every frame is scored (the protocol, and
            Zooming Slow-Mo's released ``test.py``, whose final test ``right != len_in - 1`` always
            adds it). Copies of that script that test ``right < len_in - 1`` after the loop never
            add it and leave the last frames out: False reproduces those. Default: True.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset` (``pipeline``,
            ``test_mode``, ...).
    """

    def __init__(self,
                 data_root: str,
                 data_prefix: dict = dict(gt='GT'),
                 ann_file: str = '',
                 num_inputs: int = 4,
                 input_gap: int = 2,
                 cover_tail: bool = True,
                 **kwargs):
        if num_inputs < 2:
            raise ValueError(f'a window needs at least 2 inputs, got num_inputs={num_inputs}')
        if input_gap < 1:
            raise ValueError(f'input_gap must be a positive number of frames, got {input_gap}')
        unknown = set(data_prefix) - {'gt', 'img'}
        if 'gt' not in data_prefix or unknown:
            raise ValueError('data_prefix names the HR folder (gt) and optionally the LR folder '
                             f'(img), got {data_prefix}')
        self.num_inputs = num_inputs
        self.input_gap = input_gap
        self.cover_tail = cover_tail
        super().__init__(ann_file=ann_file, data_root=data_root, data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Cut every clip into windows and check that the LR inputs exist, if read from files."""
        gt_root = self.data_prefix['gt']
        lr_root = self.data_prefix.get('img')
        data_list = []
        for clip in list_clips(gt_root, self.ann_file):
            frames = list_frames(osp.join(gt_root, clip))
            try:
                windows = plan_frame_windows(len(frames), self.num_inputs, self.input_gap,
                                             self.cover_tail)
            except ValueError as err:
                raise ValueError(f'clip {osp.join(gt_root, clip)}: {err}') from None
            for start, stop in windows:
                inputs = list(range(0, stop - start, self.input_gap))
                data = dict(
                    key=f'{clip}/{start:05d}',
                    clip=clip,
                    gt_path=[osp.join(gt_root, clip, name) for name in frames[start:stop]],
                    input_indices=inputs,
                    frame_ids=list(range(start, stop)))
                if lr_root is not None:
                    data['img_path'] = [osp.join(lr_root, clip, frames[start + i]) for i in inputs]
                    missing = [path for path in data['img_path'] if not osp.isfile(path)]
                    if missing:
                        raise FileNotFoundError(
                            f'LR frames of clip "{clip}" not found: {", ".join(missing)}. The LR '
                            f'folder {lr_root} must hold the file names of the HR frames')
                data_list.append(data)
        return data_list
