"""``MMSTVSRInferencer`` (MMagicInferencer's arguments) and MMagic's own inferencers on mmstvsr
configs, on the real frames of tests/data."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
from mmagic.apis.inferencers import (Inferencers, VideoInterpolationInferencer,
                                     VideoRestorationInferencer)

from mmstvsr.apis import InferenceError, MMSTVSRInferencer, STVSRInferencer

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FRAMES = osp.join(ROOT, 'tests', 'data', 'vid4', 'GT', 'carphone')  # 10 real frames 96x64
BASELINE = osp.join(ROOT, 'configs', 'baselines', 'bicubic-average_x4_vimeo-septuplet.py')


@pytest.fixture(scope='module')
def editor():
    return MMSTVSRInferencer(model_name='baselines',
                             config_name='bicubic-average_x4_vimeo-septuplet', device='cpu',
                             extra_parameters=dict(time_factor=2))


def test_infer_writes_what_stvsr_inferencer_predicts(editor, real_frames, tmp_path):
    out = tmp_path / 'frames'
    result = editor.infer(video=FRAMES, result_out_dir=str(out),
                          extra_parameters=dict(end_frame=4), progress=False)
    assert result['num_inputs'] == 4 and result['num_outputs'] == 7
    assert result['size'] == (96 * 4, 64 * 4)
    written = np.stack([cv2.imread(f) for f in sorted(glob.glob(str(out / '*.png')))])
    expected = STVSRInferencer(BASELINE, device='cpu').predict(real_frames[:4], time_factor=2)
    np.testing.assert_array_equal(written, expected)


def test_model_name_setting_and_config_choose_a_config():
    assert MMSTVSRInferencer.config_of('baselines', config_name='bicubic-average_x4_vimeo-'
                                       'septuplet') == BASELINE
    assert MMSTVSRInferencer.config_of('baselines') == BASELINE  # setting 0, sorted by name
    second = MMSTVSRInferencer.config_of('baselines', 1)
    assert second.endswith('bicubic-flow_x2_vimeo-septuplet.py')
    supported = MMSTVSRInferencer.get_inference_supported_models()
    assert {'baselines', 'cascades', 'stinet', 'starnet', 'dsfn'} <= set(supported)
    assert '_base_' not in supported
    tasks = MMSTVSRInferencer.get_inference_supported_tasks()
    assert MMSTVSRInferencer.get_task_supported_models(tasks[0]) == supported
    with pytest.raises(InferenceError, match="unknown model_name 'nope'"):
        MMSTVSRInferencer.config_of('nope')
    with pytest.raises(InferenceError, match="no config 'nope' for baselines"):
        MMSTVSRInferencer.config_of('baselines', config_name='nope')
    with pytest.raises(InferenceError, match='model_setting 99 is out of range'):
        MMSTVSRInferencer.config_of('baselines', 99)


def test_wrong_inputs_and_options_are_named(editor, tmp_path):
    out = str(tmp_path / 'out')
    with pytest.raises(InferenceError, match='takes a video, not img'):
        editor.infer(img='x.png', video=FRAMES, result_out_dir=out)
    with pytest.raises(InferenceError, match='give video='):
        editor.infer(video=FRAMES)
    with pytest.raises(InferenceError, match=r"unknown extra_parameters \['window_size'\]"):
        editor.infer(video=FRAMES, result_out_dir=out, extra_parameters=dict(window_size=3))
    with pytest.raises(InferenceError, match=r"unknown arguments \['tile'\]"):
        editor.infer(video=FRAMES, result_out_dir=out, tile=16)
    with pytest.raises(InferenceError, match='fp16 is set when the inferencer is built'):
        editor.infer(video=FRAMES, result_out_dir=out, extra_parameters=dict(fp16=True))
    with pytest.raises(InferenceError, match='unknown extra_parameters'):
        MMSTVSRInferencer(model_config=BASELINE, extra_parameters=dict(max_seq_len=2))
    assert 'time_factor' in editor.get_extra_parameters()


@pytest.mark.parametrize('build', [
    lambda: VideoRestorationInferencer(BASELINE, None, device='cpu'),
    lambda: VideoInterpolationInferencer(BASELINE, None, device='cpu'),
    lambda: Inferencers(task='Video Super-Resolution', config=BASELINE, device='cpu'),
], ids=['video_restoration', 'video_interpolation', 'MMagicInferencer_dispatch'])
def test_mmagic_inferencers_name_the_mmstvsr_entry_point(build):
    """MMagic's inferencers would fail later with KeyError 'gt' (the test pipeline makes the LR
    inputs from ground truth) or without ``step_frames``; they stop at once, naming ours."""
    with pytest.raises(NotImplementedError, match=r'use mmstvsr\.apis\.MMSTVSRInferencer'):
        build()


def test_precision_is_passed_through_and_fixed_at_build(editor, tmp_path):
    assert 'precision' in editor.get_extra_parameters()
    assert editor.inferencer.precision == 'fp32'
    with pytest.raises(InferenceError, match='precision is set when the inferencer is built'):
        editor.infer(video=FRAMES, result_out_dir=str(tmp_path / 'out'),
                     extra_parameters=dict(precision='bf16'))
    with pytest.raises(InferenceError, match='precision fp16 is not available on cpu'):
        MMSTVSRInferencer(model_config=BASELINE, device='cpu',
                          extra_parameters=dict(precision='fp16'))
