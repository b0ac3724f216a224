"""STVSRInferencer used directly on real frames: counts, windows, tiles, checkpoints, resume."""
import os
import os.path as osp
import re
import shutil
import zlib

import cv2
import numpy as np
import pytest
import torch
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.config import Config

from mmstvsr.apis import InferenceError, STVSRInferencer
from mmstvsr.apis.video_io import MANIFEST_NAME, FrameFolderSink, VideoFileSink
from mmstvsr.models.editors.classical.classical_stvsr_net import BicubicAverageNet

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
VIDEO = osp.join(ROOT, 'tests', 'data', 'videos', 'carphone_96x64.mp4')
FRAMES = osp.join(ROOT, 'tests', 'data', 'vid4', 'GT', 'carphone')  # 10 frames
BICUBIC_FLOW = osp.join(ROOT, 'configs', 'baselines', 'bicubic-flow_x4_vimeo-septuplet.py')
BICUBIC_AVERAGE = osp.join(ROOT, 'configs', 'baselines', 'bicubic-average_x4_vimeo-septuplet.py')
TINY = osp.join(ROOT, 'configs', 'baselines', 'residual-stvsr-tiny_x4_vimeo-septuplet.py')
STINET_TINY = osp.join(ROOT, 'configs', 'stinet',
                       'stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py')


@MODELS.register_module()
class SingleTimeTestNet(BicubicAverageNet):
    """A generator that interpolates at t' = 0.5 only, whatever ``times`` asks for."""

    def forward(self, lrs, times, **kwargs):
        return super().forward(lrs, times.new_tensor([0.5]))


@MODELS.register_module()
class Divisor8TestNet(BicubicAverageNet):
    """Bicubic + averaging on inputs whose size must be a multiple of 8."""

    size_divisor = 8

    def forward(self, lrs, times, **kwargs):
        assert lrs.shape[-2] % 8 == 0 and lrs.shape[-1] % 8 == 0, lrs.shape
        return super().forward(lrs, times)


def _with_generator(name):
    cfg = Config.fromfile(BICUBIC_AVERAGE)
    cfg.model.generator = dict(type=name, scale=4)
    return cfg


@pytest.fixture(scope='module')
def flow_inferencer():
    return STVSRInferencer(BICUBIC_FLOW, device='cpu')


def test_counts_sizes_and_windows(flow_inferencer, real_frames):
    out = flow_inferencer.predict(real_frames)
    assert out.shape == (19, 256, 384, 3) and out.dtype == np.uint8
    assert flow_inferencer.predict(real_frames[:4], time_factor=3).shape == (10, 256, 384, 3)
    assert flow_inferencer.predict(real_frames[:2], time_factor=4).shape == (5, 256, 384, 3)
    # windows of 4 inputs sharing one frame, the last one shifted back: 0-3, 3-6, 6-9
    windows = flow_inferencer.windows(10, 2)
    assert [(w.start, w.stop) for w in windows] == [(0, 4), (3, 7), (6, 10)]
    assert [list(w.outputs) for w in windows] == [list(range(7)), list(range(7, 13)),
                                                  list(range(13, 19))]
    # the same frames as the model's own test-time forward over the whole clip
    lrs = torch.from_numpy(np.stack(real_frames)[..., ::-1].copy()).permute(0, 3, 1, 2).float()
    model = flow_inferencer.model
    data = model.data_preprocessor(
        dict(inputs=lrs[None], data_samples=[DataSample(metainfo=dict(img_channel_order='rgb'))]))
    ref = model.forward_inference(data['inputs'], data['data_samples']).pred_img
    np.testing.assert_array_equal(out, ref[0].round().byte().permute(0, 2, 3, 1).numpy())
    # an output at an input time is that input upsampled (close to it brought back down)
    down = cv2.resize(out[6], (96, 64), interpolation=cv2.INTER_AREA)
    assert np.abs(down.astype(int) - real_frames[3]).mean() < 4


def test_tiles_match_whole_frames(flow_inferencer, real_frames, tiny_checkpoint):
    """Tiled = untiled where the overlap covers the receptive field (1 grey level: rounding)."""
    tiny = STVSRInferencer(TINY, tiny_checkpoint, device='cpu')
    frames = real_frames[:5]
    for inferencer in (tiny, flow_inferencer):
        whole = inferencer.predict(frames).astype(int)
        tiled = inferencer.predict(frames, tile=48, tile_overlap=32)  # 4 x 2 tiles of 96x64
        assert np.abs(tiled - whole).max() <= 1
        # without overlap the seams show: the comparison is not vacuous
        assert np.abs(inferencer.predict(frames, tile=48, tile_overlap=0) - whole).max() > 8


def test_frames_padded_to_the_size_divisor():
    frames = [np.random.default_rng(i).integers(0, 256, (30, 45, 3), np.uint8) for i in range(3)]
    inferencer = STVSRInferencer(_with_generator('Divisor8TestNet'), device='cpu')
    assert inferencer.predict(frames).shape == (5, 120, 180, 3)
    assert inferencer.predict(frames, tile=21, tile_overlap=6).shape == (5, 120, 180, 3)


def test_time_factor_needs_a_model_with_several_positions(real_frames):
    inferencer = STVSRInferencer(_with_generator('SingleTimeTestNet'), device='cpu')
    assert inferencer.predict(real_frames[:3]).shape[0] == 5
    with pytest.raises(InferenceError, match='SingleTimeTestNet failed with 2 intermediate frames '
                       'per gap.*use --time-factor 2'):
        inferencer.predict(real_frames[:3], time_factor=3)
    with pytest.raises(InferenceError, match='temporal factor must be an integer >= 2'):
        inferencer('in.mp4', 'out.mp4', time_factor=1)


def test_stinet_with_several_times_and_checkpoint_formats(tmp_path, real_frames):
    model = MODELS.build(Config.fromfile(STINET_TINY).model)
    torch.save(dict(state_dict=model.state_dict(), meta=dict(iter=1)), tmp_path / 'mmengine.pth')
    torch.save(model.state_dict(), tmp_path / 'plain.pth')
    frames = [f[:32, :48] for f in real_frames[:3]]
    outs = [STVSRInferencer(STINET_TINY, str(tmp_path / name), device='cpu').predict(
        frames, time_factor=3) for name in ('mmengine.pth', 'plain.pth')]
    assert outs[0].shape == (7, 128, 192, 3)
    np.testing.assert_array_equal(outs[0], outs[1])


def test_missing_pyflow_stops_before_the_model_is_built(monkeypatch, tiny_checkpoint):
    """The STARnet authors' configs compute pyflow flows: without the extension the inferencer
    says how to install it (or which substitute to use) before building a 111M-parameter model."""
    import sys

    from mmstvsr.utils.flow import PYFLOW_INSTALL
    monkeypatch.setitem(sys.modules, 'pyflow', None)
    config = osp.join(ROOT, 'configs', 'starnet', 'starnet-authors_x4_1xb10-70e_vimeo-triplet.py')
    with pytest.raises(InferenceError, match=re.escape(PYFLOW_INSTALL)):
        STVSRInferencer(config, tiny_checkpoint, device='cpu')


@pytest.mark.parametrize('fps', [float('inf'), float('nan'), 0., -5.])
def test_fps_must_be_positive_and_finite(tmp_path, fps):
    """``--fps inf`` used to hang inside cv2.VideoWriter: refused before any output."""
    inferencer = STVSRInferencer(BICUBIC_FLOW, device='cpu')
    with pytest.raises(InferenceError, match='--fps must be a positive finite number'):
        inferencer(VIDEO, str(tmp_path / 'out.mp4'), fps=fps, progress=False)
    assert not os.listdir(tmp_path)


def test_non_finite_output_is_refused_and_nothing_is_written(tmp_path):
    """A checkpoint with NaN weights (a diverged training run) used to give all-black frames
    and exit 0: the inferencer stops and leaves no OUTPUT."""
    model = MODELS.build(Config.fromfile(TINY).model)
    state = {k: torch.full_like(v, float('nan')) if v.is_floating_point() else v
             for k, v in model.state_dict().items()}
    checkpoint = tmp_path / 'nan.pth'
    torch.save(dict(state_dict=state), checkpoint)
    inferencer = STVSRInferencer(TINY, str(checkpoint), device='cpu')
    out = tmp_path / 'out.mp4'
    with pytest.raises(InferenceError, match='non-finite values'):
        inferencer(VIDEO, str(out), progress=False)
    assert not out.exists() and not list(tmp_path.glob('.*partial*'))


def test_model_errors(tiny_checkpoint, tmp_path):
    with pytest.raises(InferenceError, match='learned model: give its checkpoint'):
        STVSRInferencer(TINY, device='cpu')
    unconverted = tmp_path / 'authors.pth'
    torch.save({'module.conv_first.weight': torch.zeros(4, 3, 3, 3)}, unconverted)
    with pytest.raises(InferenceError, match="convert an authors' checkpoint"):
        STVSRInferencer(TINY, str(unconverted), device='cpu')
    with pytest.raises(InferenceError, match='checkpoint not found'):
        STVSRInferencer(TINY, 'missing.pth', device='cpu')
    with pytest.raises(InferenceError, match='does not fit .*bicubic-flow'):
        STVSRInferencer(BICUBIC_FLOW, tiny_checkpoint, device='cpu')
    with pytest.raises(InferenceError, match='config file not found'):
        STVSRInferencer('configs/missing.py')
    frames_config = osp.join(ROOT, 'configs', 'stinet',
                             'stinet-tiny-s-sr_x4_1xb16-4k_vimeo-septuplet-frames.py')
    with pytest.raises(InferenceError, match='not a space-time SR model'):
        STVSRInferencer(frames_config, device='cpu')
    with pytest.raises(InferenceError, match='--fp16 .*--device cuda'):
        STVSRInferencer(BICUBIC_FLOW, device='cpu', fp16=True)
    if not torch.cuda.is_available():
        with pytest.raises(InferenceError, match='CUDA is not available.*--device cpu'):
            STVSRInferencer(BICUBIC_FLOW, device='cuda')


def _interrupt_after(monkeypatch, sink_class, num_frames):
    """Make ``sink_class.write`` raise KeyboardInterrupt once it has written ``num_frames``."""
    write = sink_class.write
    count = [0]

    def interrupted(self, index, frame):
        if count[0] == num_frames:
            raise KeyboardInterrupt
        count[0] += 1
        write(self, index, frame)

    monkeypatch.setattr(sink_class, 'write', interrupted)


def test_resume_an_interrupted_frame_folder_run(flow_inferencer, tmp_path, monkeypatch):
    full = tmp_path / 'full'
    result = flow_inferencer(VIDEO, str(full), progress=False)
    assert result['num_outputs'] == result['computed'] == 23
    names = sorted(os.listdir(full))
    assert names == [MANIFEST_NAME] + [f'{i:08d}.png' for i in range(23)]

    out = tmp_path / 'out'
    with monkeypatch.context() as m:
        _interrupt_after(m, FrameFolderSink, 9)  # window 0 (outputs 0-6) done, window 1 not
        with pytest.raises(KeyboardInterrupt):
            flow_inferencer(VIDEO, str(out), progress=False)
    assert not out.exists()  # OUTPUT appears complete or not at all
    partial = tmp_path / '.out.partial'
    assert len(os.listdir(partial)) == 10  # 9 frames and the manifest, each complete

    with pytest.raises(InferenceError, match='an interrupted run left .*pass --resume'):
        flow_inferencer(VIDEO, str(out), progress=False)
    with pytest.raises(InferenceError, match='other settings.*time_factor: 2 -> 3'):
        flow_inferencer(VIDEO, str(out), time_factor=3, resume=True, progress=False)

    computed = []
    predict_window = flow_inferencer._predict_window

    def counting(lrs, *args):
        computed.append(len(lrs))
        return predict_window(lrs, *args)

    monkeypatch.setattr(flow_inferencer, '_predict_window', counting)
    result = flow_inferencer(VIDEO, str(out), resume=True, progress=False)
    # windows [0, 4) [3, 7) [6, 10) [8, 12), outputs 0-6 | 7-12 | 13-18 | 19-22: the first is kept
    assert (result['computed'], len(computed)) == (16, 3)
    assert sorted(os.listdir(out)) == names and not partial.exists()
    for name in names[1:]:
        np.testing.assert_array_equal(cv2.imread(str(out / name)), cv2.imread(str(full / name)))
    assert flow_inferencer(VIDEO, str(out), resume=True, progress=False)['computed'] == 0


def test_interrupted_video_run_leaves_nothing(flow_inferencer, tmp_path, monkeypatch):
    _interrupt_after(monkeypatch, VideoFileSink, 5)
    with pytest.raises(KeyboardInterrupt):
        flow_inferencer(VIDEO, str(tmp_path / 'out.mp4'), progress=False)
    assert os.listdir(tmp_path) == []


def test_starnet_on_a_real_clip(tmp_path, real_frames):
    """STARnet runs pair by pair over any number of frames, flows computed by the model."""
    config = osp.join(ROOT, 'configs', 'starnet', 'starnet_tiny.py')
    torch.save(MODELS.build(Config.fromfile(config).model).state_dict(), tmp_path / 'w.pth')
    frames = [f[:32, :48] for f in real_frames[:4]]
    out = STVSRInferencer(config, str(tmp_path / 'w.pth'), device='cpu').predict(frames)
    assert out.shape == (7, 128, 192, 3) and out.dtype == np.uint8


def test_dual_stream_fusion_network_on_a_real_clip(tmp_path, real_frames):
    """The x2 DSFN runs through the inferencer like every space-time model."""
    config = osp.join(ROOT, 'configs', 'dsfn', 'dsfn_tiny.py')
    torch.save(MODELS.build(Config.fromfile(config).model).state_dict(), tmp_path / 'w.pth')
    frames = [f[:30, :44] for f in real_frames[:3]]
    out = STVSRInferencer(config, str(tmp_path / 'w.pth'), device='cpu').predict(frames)
    assert out.shape == (5, 60, 88, 3) and out.dtype == np.uint8


def _damage_pixels(png: bytes) -> bytes:
    """A PNG whose compressed pixels are zeroed, with valid chunk checksums: its header and
    chunks look right, but it does not decode."""
    out, pos = png[:8], 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], 'big')
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b'IDAT':
            body = body[:2] + bytes(length - 2)
        out += length.to_bytes(4, 'big') + kind + body + zlib.crc32(kind + body).to_bytes(4, 'big')
        pos += 12 + length
    return out


def test_corrupt_frame_found_mid_run_leaves_output_as_it_was(flow_inferencer, tmp_path):
    """A frame that only fails when decoded used to leave 19 of 23 frames at OUTPUT: now OUTPUT
    is not created, or an earlier one is left as it was."""
    frames = tmp_path / 'frames'
    shutil.copytree(FRAMES, frames)
    good = (frames / 'Frame 009.png').read_bytes()
    (frames / 'Frame 009.png').write_bytes(_damage_pixels(good))
    out = tmp_path / 'out'
    with pytest.raises(InferenceError, match='Frame 009.png cannot be decoded'):
        flow_inferencer(str(frames), str(out), progress=False)
    assert os.listdir(tmp_path) == ['frames']  # nothing: the input must change before a rerun

    earlier = tmp_path / 'earlier'
    flow_inferencer(str(frames), str(earlier), end_frame=4, progress=False)
    before = {n: (earlier / n).read_bytes() for n in os.listdir(earlier)}
    with pytest.raises(InferenceError, match='Frame 009.png cannot be decoded'):
        flow_inferencer(str(frames), str(earlier), overwrite=True, progress=False)
    assert {n: (earlier / n).read_bytes() for n in os.listdir(earlier)} == before
    assert sorted(os.listdir(tmp_path)) == ['earlier', 'frames']


def test_resume_refuses_an_input_that_changed(flow_inferencer, tmp_path, monkeypatch,
                                              real_frames, write_video):
    """Another video at the input's path used to be resumed into a mix of both videos."""
    video = tmp_path / 'in.mp4'
    shutil.copy(VIDEO, video)
    out = tmp_path / 'out'
    with monkeypatch.context() as m:
        _interrupt_after(m, FrameFolderSink, 9)
        with pytest.raises(KeyboardInterrupt):
            flow_inferencer(str(video), str(out), progress=False)
    write_video(video, real_frames[::-1] + real_frames[:2], fps=29.97)  # 12 other frames
    with pytest.raises(InferenceError, match=r'the input .*in.mp4 changed since .*--overwrite'):
        flow_inferencer(str(video), str(out), resume=True, progress=False)
    result = flow_inferencer(str(video), str(out), overwrite=True, progress=False)
    assert result['computed'] == 23


@pytest.mark.parametrize('device,message', [('gpu', "unknown device 'gpu'"),
                                            ('cuda:x', "unknown device 'cuda:x'"),
                                            ('meta', "unknown device 'meta'")])
def test_device_names_are_checked(device, message):
    with pytest.raises(InferenceError, match=message):
        STVSRInferencer(BICUBIC_FLOW, device=device)


@pytest.mark.parametrize('content', [b'hello\n', b'', b'PK\x03\x04 cut short'])
def test_a_file_that_is_not_a_checkpoint(tmp_path, content):
    """A text file given as checkpoint used to end in ``IndexError: pop from empty list``."""
    checkpoint = tmp_path / 'notes.pth'
    checkpoint.write_bytes(content)
    with pytest.raises(InferenceError, match='notes.pth is not a PyTorch checkpoint'):
        STVSRInferencer(TINY, str(checkpoint), device='cpu')


@pytest.mark.parametrize('kwargs, message', [
    (dict(precision='fp16'), r'^precision fp16 is not available on cpu .*--precision fp32$'),
    (dict(precision='fp8'), r"^unknown precision 'fp8': choose one of fp32, bf16, fp16"),
    (dict(fp16=True, precision='bf16'), "fp16=True and precision='bf16' disagree"),
])
def test_precision_errors(kwargs, message):
    with pytest.raises(InferenceError, match=message):
        STVSRInferencer(BICUBIC_FLOW, device='cpu', **kwargs)


def test_precisions_of_the_default_model(real_frames):
    """fp32 runs channels_last on the CPU by default (mmstvsr.utils.fast_path.default_path), as
    NCHW does to within rounding; bf16, where the CPU has it, within a few grey levels."""
    from mmstvsr.apis import resolve_model
    from mmstvsr.utils.fast_path import RunPath, cpu_supports_bf16, prepare_model
    inferencer = STVSRInferencer(*resolve_model(None, None), device='cpu')
    assert inferencer.path == RunPath('fp32', True) and inferencer.precision == 'fp32'
    conv = inferencer.model.generator.upsample.feat_extraction.conv
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    frames = real_frames[:4]
    out = inferencer.predict(frames).astype(int)
    prepare_model(inferencer.model, RunPath('fp32', False))
    assert np.abs(inferencer.predict(frames) - out).max() <= 1
    if cpu_supports_bf16():
        bf16 = STVSRInferencer(*resolve_model(None, None), device='cpu', precision='bf16')
        diff = np.abs(bf16.predict(frames) - out)
        assert bf16.path.name == 'bf16-cl' and diff.mean() < 0.5 and diff.max() <= 16, diff.max()
