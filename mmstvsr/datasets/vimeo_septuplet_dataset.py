"""Vimeo-90K septuplet in its own layout, for space-time SR."""
import os.path as osp
from typing import List, Sequence

from mmagic.datasets import BasicFramesDataset
from mmagic.registry import DATASETS

from .frame_errors import CorruptFrameErrorMixin


@DATASETS.register_module()
class VimeoSeptupletDataset(CorruptFrameErrorMixin, BasicFramesDataset):
    """Vimeo-90K septuplets: ``sequences/<video>/<clip>/im1.png .. im7.png`` plus a list file.

    Each item is one clip: ``gt_path`` lists its 7 HR frames (all are targets) and
    ``input_indices`` the frames given to the model (frames 1, 3, 5, 7 by default: x2 in time).
    LR inputs are made in the pipeline
    (:class:`~mmstvsr.datasets.transforms.MATLABBicubicDownsample`).
    The list file (``sep_trainlist.txt``, ``sep_testlist.txt`` or the fast / medium / slow test
    lists) names one clip ``<video>/<clip>`` per line; every frame of every listed clip is checked
    when the dataset is built, so a wrong root or list fails at once, naming the file. A frame
    that does not decode (truncated or corrupt) raises a
    :class:`~mmstvsr.datasets.CorruptFrameError` naming it, and the ``vimeo90k.py --verify``
    command that lists every such frame, when its clip is loaded.

    Args:
        ann_file (str): List file, relative to ``data_root``.
        data_root (str): Dataset root holding ``sequences/``.
        data_prefix (dict): Folder of the frames. Default: ``dict(gt='sequences')``.
        frame_names (Sequence[str]): Frame file names of a clip. Default: ``im1.png``..``im7.png``.
        input_indices (Sequence[int]): Indices into ``frame_names`` of the input frames.
            Default: ``(0, 2, 4, 6)``.
        frames_as_images (bool): Make every frame of every listed clip its own item (``gt_path``
            one file, ``key`` ``<video>/<clip>/<frame>``), for single-image SR, e.g. pretraining
            an S-SR initialiser on the training clips. Default: False.
        **kwargs: Other arguments of :class:`mmagic.datasets.BasicFramesDataset`.
    """

    def __init__(self,
                 ann_file: str,
                 data_root: str,
                 data_prefix: dict = dict(gt='sequences'),
                 frame_names: Sequence[str] = tuple(f'im{i}.png' for i in range(1, 8)),
                 input_indices: Sequence[int] = (0, 2, 4, 6),
                 frames_as_images: bool = False,
                 **kwargs):
        self.frames_as_images = frames_as_images
        self.frame_names = list(frame_names)
        self.input_indices = list(input_indices)
        bad = [i for i in self.input_indices if not 0 <= i < len(self.frame_names)]
        if bad:
            raise ValueError(f'input_indices {bad} are outside the {len(self.frame_names)} frames '
                             f'of a clip ({self.frame_names})')
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix,
            depth=2,
            fixed_seq_len=len(self.frame_names),
            load_frames_list=dict(gt=self.frame_names),
            **kwargs)

    def _get_frames_list(self, key: str, folder: str) -> List[str]:
        """Frame paths of one clip, in ``frame_names`` order (the parent sorts them by name)."""
        return [osp.join(folder, name) for name in self.load_frames_list[key]]

    def verify_command(self) -> str:
        """The command that decodes every frame of the listed clips and names those that fail."""
        lists = osp.relpath(self.ann_file, self.data_root)
        return (f'python tools/dataset_converters/vimeo90k.py {self.data_root} --verify --lists '
                f'{lists}')

    def load_data_list(self) -> List[dict]:
        """Load the clips named by the list file and check that all their frames exist."""
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'Vimeo-90K list file not found: {self.ann_file}. Set data_root to the folder '
                'holding sequences/ and the list files, and ann_file to e.g. sep_testlist.txt')
        data_list = super().load_data_list()
        if not data_list:
            raise ValueError(f'the list file {self.ann_file} names no clip')
        for data in data_list:
            missing = [p for p in data['gt_path'] if not osp.isfile(p)]
            if missing:
                raise FileNotFoundError(
                    f'clip "{data["key"]}" listed in {self.ann_file} is incomplete: missing '
                    f'{", ".join(missing)}. Check data_root ({self.data_root}) and that the list '
                    'file matches the frames on disk')
            data['input_indices'] = list(self.input_indices)
            data['clip'] = data['key']
        if self.frames_as_images:
            return [
                dict(key=osp.join(data['key'], osp.splitext(name)[0]), clip=data['key'],
                     gt_path=path)
                for data in data_list
                for name, path in zip(self.frame_names, data['gt_path'])
            ]
        return data_list
