"""Real frames for the model tests: a crop of a bundled Vimeo-90K septuplet."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmagic.structures import DataSample

from mmstvsr.utils.flow import FlowProvider
from mmstvsr.utils.matlab_resize import imresize_matlab

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: A training clip of the bundled septuplets (tests/data/vimeo_septuplet/mini_trainlist.txt).
CLIP = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet', 'sequences', '00001', '0002')


@pytest.fixture(scope='session')
def real_batch():
    """``real_batch(t=2, size=8, scale=4)``: ``(lrs, samples)`` of a real clip.

    ``t`` input frames ``(1, t, 3, size, size)`` RGB in [0, 1] (MATLAB-bicubic downsampled crops
    of every other frame of the clip), ``samples.gt_img`` the ``2t - 1`` HR frames (inputs and
    midpoints) ``(1, 2t - 1, 3, s*size, s*size)``, and Farneback flows ``flow_fwd`` / ``flow_bwd``
    ``(1, t - 1, 2, size, size)`` between the inputs, with the midpoints' flows ``flow_fwd_gt`` /
    ``flow_bwd_gt`` equal to them (enough for STARnet's flow loss to have a target).
    """

    def make(t=2, size=8, scale=4):
        assert 2 * t - 1 <= 7, 'a septuplet has 7 frames'
        hr_size = size * scale
        frames = [cv2.imread(osp.join(CLIP, f'im{i}.png'))[64:64 + hr_size, 160:160 + hr_size]
                  for i in range(1, 2 * t)]
        rgb = [np.ascontiguousarray(f[..., ::-1]) for f in frames]
        lr = [np.clip(np.rint(imresize_matlab(f, 1 / scale)), 0, 255).astype(np.uint8)
              for f in rgb[::2]]
        fwd, bwd = FlowProvider()(lr, 'rgb')

        def tensor(images):
            return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float()[None] / 255

        samples = DataSample()
        samples.set_tensor_data(dict(gt_img=tensor(rgb), flow_fwd=fwd[None], flow_bwd=bwd[None],
                                     flow_fwd_gt=fwd[None], flow_bwd_gt=bwd[None]))
        return tensor(lr), samples

    return make
