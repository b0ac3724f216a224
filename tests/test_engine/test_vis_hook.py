"""ClipStripHook: input | prediction | GT strips of validation / test clips, in-between frames."""
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from mmagic.structures import DataSample
from mmengine.config import Config

from mmstvsr.engine.hooks import ClipStripHook, clip_strip
from mmstvsr.engine.hooks.clip_strip_hook import BAR, LABEL_WIDTH

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _sample(key='00002/0004', num_in=4, size=(8, 12), scale=4):
    h, w = size
    inputs = torch.randint(0, 256, (num_in, 3, h, w)).float()
    num_out = 2 * num_in - 1
    pred = torch.randint(0, 256, (num_out, 3, h * scale, w * scale)).float()
    sample = DataSample(gt_img=pred.flip(-1), metainfo=dict(key=key))
    sample.set_tensor_data(dict(input=inputs))
    sample.output = DataSample(pred_img=pred)
    return sample


def test_strip_columns_are_output_times_and_rows_input_prediction_gt():
    inputs = np.random.randint(0, 256, (2, 8, 12, 3), np.uint8)
    pred = np.random.randint(0, 256, (3, 32, 48, 3), np.uint8)
    strip = clip_strip(inputs, pred, pred[::-1], [0, 2], max_panel_width=None)
    assert strip.shape == (BAR + 3 * 32, LABEL_WIDTH + 3 * 48, 3)

    def row(r, c):
        left = LABEL_WIDTH + 48 * c
        return strip[BAR + 32 * r:BAR + 32 * (r + 1), left:left + 48]

    np.testing.assert_array_equal(row(0, 0)[::4, ::4], inputs[0])  # pixel repetition
    np.testing.assert_array_equal(row(0, 2)[::4, ::4], inputs[1])
    assert (row(0, 1) == 128).all()  # no input at t = 0.5
    np.testing.assert_array_equal(row(1, 1), pred[1])
    np.testing.assert_array_equal(row(2, 0), pred[2])
    small = clip_strip(None, pred, None, [0, 2], max_panel_width=24)
    assert small.shape == (BAR + 16, LABEL_WIDTH + 3 * 24, 3)


def test_hook_writes_every_interval_th_batch_to_the_work_dir(tmp_path):
    hook = ClipStripHook(interval=2)
    runner = SimpleNamespace(work_dir=str(tmp_path), iter=6)
    for batch_idx in range(3):
        hook.after_val_iter(runner, batch_idx, outputs=[_sample(f'v/{batch_idx}')])
    hook.after_test_iter(runner, 0, outputs=[_sample()])
    assert sorted(osp.relpath(p, tmp_path) for p in hook.written) == [
        'vis/test/00002_0004.png', 'vis/val_iter_6/v_0.png', 'vis/val_iter_6/v_2.png']
    strip = cv2.imread(str(tmp_path / 'vis' / 'test' / '00002_0004.png'))
    assert strip.shape == (BAR + 3 * 32, LABEL_WIDTH + 7 * 48, 3)
    with pytest.raises(ValueError, match='interval'):
        ClipStripHook(interval=0)


def test_default_runtime_draws_strips_rarely():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', '_base_', 'default_runtime.py'))
    strips = [hook for hook in cfg.custom_hooks if hook['type'] == 'ClipStripHook']
    assert len(strips) == 1 and strips[0]['interval'] >= 100
