"""Vimeo-90K triplet in its own layout, for space-time SR."""
from typing import Sequence

from mmagic.registry import DATASETS

from .vimeo_septuplet_dataset import VimeoSeptupletDataset


@DATASETS.register_module()
class VimeoTripletDataset(VimeoSeptupletDataset):
    """Vimeo-90K triplets: ``sequences/<video>/<clip>/im1.png .. im3.png`` plus a list file.

    The training and test set of STARnet and other x2-in-time models: frames 1 and 3 in, all three
    out. The list files are ``tri_trainlist.txt`` and ``tri_testlist.txt``; everything else is
    :class:`VimeoSeptupletDataset`'s.

    Args:
        ann_file (str): List file, relative to ``data_root``.
        data_root (str): Dataset root holding ``sequences/``.
        frame_names (Sequence[str]): Frame file names of a clip. Default: ``im1.png``..``im3.png``.
        input_indices (Sequence[int]): Indices into ``frame_names`` of the input frames.
            Default: ``(0, 2)``.
        **kwargs: Other arguments of :class:`VimeoSeptupletDataset`.
    """

    def __init__(self,
                 ann_file: str,
                 data_root: str,
                 frame_names: Sequence[str] = ('im1.png', 'im2.png', 'im3.png'),
                 input_indices: Sequence[int] = (0, 2),
                 **kwargs):
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            frame_names=frame_names,
            input_indices=input_indices,
            **kwargs)
