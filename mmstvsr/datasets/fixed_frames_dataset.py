"""Short clips whose frames have fixed names, such as the frame-interpolation triplets."""
import os.path as osp
from typing import List, Sequence

from mmagic.registry import DATASETS
from mmengine.dataset import BaseDataset

from .frame_errors import CorruptFrameErrorMixin
from .video_frames_dataset import list_clips


@DATASETS.register_module()
class FixedFramesDataset(CorruptFrameErrorMixin, BaseDataset):
    """Clips of a few frames with the same file names in every clip, possibly in several folders.

    Frame-interpolation test sets keep a clip's input frames and its ground-truth middle frame
    apart, e.g. UCF101 (DVF's ``ucf101_interp_ours/<id>/frame_00.png, frame_01_gt.png,
    frame_02.png``) or Middlebury (``other-data/<name>/frame10.png, frame11.png`` and
    ``other-gt-interp/<name>/frame10i11.png``). ``frame_paths`` gives a clip's frames in time order
    as path templates; all of them are HR targets, and those at ``input_indices`` are also the
    inputs (LR made in the pipeline by
    :class:`~mmstvsr.datasets.transforms.MATLABBicubicDownsample`). Every frame of every clip is
    checked when the dataset is built; a frame that does not decode raises a
    :class:`~mmstvsr.datasets.CorruptFrameError` naming it when its item is loaded.

    Items: ``gt_path`` (list[str]), ``input_indices`` (list[int]), ``clip`` and ``key`` (the clip
    name).

    Args:
        data_root (str): Dataset root.
        frame_paths (Sequence[str]): The frames of a clip in time order, as paths relative to
            ``data_root`` with ``{clip}`` for the clip name.
        input_indices (Sequence[int]): Indices into ``frame_paths`` of the input frames.
            Default: ``(0, 2)``.
        clip_folder (str): Folder, relative to ``data_root``, whose sub-folders name the clips.
            Default: '' (``data_root`` itself).
        ann_file (str): Optional list file, relative to ``data_root``, naming one clip per line;
            replaces the listing of ``clip_folder``. Default: ''.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset` (``pipeline``,
            ``test_mode``, ...).
    """

    def __init__(self,
                 data_root: str,
                 frame_paths: Sequence[str],
                 input_indices: Sequence[int] = (0, 2),
                 clip_folder: str = '',
                 ann_file: str = '',
                 **kwargs):
        self.frame_paths = list(frame_paths)
        self.input_indices = list(input_indices)
        self.clip_folder = clip_folder
        bad = [i for i in self.input_indices if not 0 <= i < len(self.frame_paths)]
        if bad or len(self.input_indices) < 2:
            raise ValueError(f'input_indices must name at least 2 of the {len(self.frame_paths)} '
                             f'frames of a clip ({self.frame_paths}), got {self.input_indices}')
        if any('{clip}' not in path for path in self.frame_paths):
            raise ValueError('every frame path must contain {clip}, the place of the clip name, '
                             f'got {self.frame_paths}')
        super().__init__(ann_file=ann_file, data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        """List the clips and check that all their frames exist."""
        data_list = []
        for clip in list_clips(osp.join(self.data_root, self.clip_folder), self.ann_file):
            paths = [osp.join(self.data_root, path.format(clip=clip)) for path in self.frame_paths]
            missing = [path for path in paths if not osp.isfile(path)]
            if missing:
                raise FileNotFoundError(f'clip "{clip}" is incomplete: missing {", ".join(missing)}'
                                        f'. Check data_root ({self.data_root}) and frame_paths')
            data_list.append(
                dict(key=clip, clip=clip, gt_path=paths, input_indices=list(self.input_indices)))
        return data_list
