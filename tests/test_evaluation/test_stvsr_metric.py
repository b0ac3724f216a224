"""Tests of STVSRMetric against an independent numpy/scipy implementation."""
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from mmagic.registry import METRICS
from mmagic.structures import DataSample
from scipy.signal import fftconvolve
from skimage.metrics import structural_similarity

from mmstvsr.evaluation import STVSRMetric
from mmstvsr.evaluation.metrics import stvsr_metric

SEQ_DIR = osp.join(
    osp.dirname(__file__), '..', 'data', 'vimeo_septuplet', 'sequences',
    '00002', '0004')


# ---------------------------------------------------------------------------
# Independent reference implementation (numpy / scipy only).
# ---------------------------------------------------------------------------
def ref_quantize(img):
    """Clamp to [0, 255] and round, float64, ``(H, W, 3)``."""
    return np.rint(np.clip(np.asarray(img, np.float64), 0, 255))


def ref_y(img_bgr):
    """MATLAB rgb2ycbcr luma of a BGR ``(H, W, 3)`` image in [0, 255]."""
    b, g, r = img_bgr[..., 0], img_bgr[..., 1], img_bgr[..., 2]
    return 16. + (65.481 * r + 128.553 * g + 24.966 * b) / 255.


def ref_psnr(a, b):
    mse = np.mean((a - b)**2)
    return np.inf if mse == 0 else 10 * np.log10(255.**2 / mse)


def ref_ssim(a, b):
    """Wang et al. SSIM, 11x11 Gaussian (sigma 1.5), valid region."""
    x = np.arange(11) - 5
    g = np.exp(-x**2 / (2 * 1.5**2))
    win = np.outer(g, g)
    win /= win.sum()

    def filt(img):
        return fftconvolve(img, win, mode='valid')

    c1, c2 = (0.01 * 255)**2, (0.03 * 255)**2
    mu_a, mu_b = filt(a), filt(b)
    var_a = filt(a * a) - mu_a**2
    var_b = filt(b * b) - mu_b**2
    cov = filt(a * b) - mu_a * mu_b
    ssim_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2) /
                ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)))
    return ssim_map.mean()


def ref_frame_metrics(pred_bgr, gt_bgr, crop=0):
    """Reference metrics of one BGR ``(H, W, 3)`` frame pair."""
    p, g = ref_quantize(pred_bgr), ref_quantize(gt_bgr)
    if crop:
        p, g = p[crop:-crop, crop:-crop], g[crop:-crop, crop:-crop]
    py, gy = ref_y(p), ref_y(g)
    return {
        'Y-PSNR': ref_psnr(py, gy),
        'Y-SSIM': ref_ssim(py, gy),
        'RGB-PSNR': ref_psnr(p, g),
    }


# ---------------------------------------------------------------------------
# Helpers and fixtures.
# ---------------------------------------------------------------------------
@pytest.fixture(scope='module')
def gt_frames():
    """The 7 real Vimeo frames, BGR uint8, ``(7, H, W, 3)``."""
    frames = [
        cv2.imread(osp.join(SEQ_DIR, f'im{i}.png'), cv2.IMREAD_COLOR)
        for i in range(1, 8)
    ]
    assert all(f is not None for f in frames)
    return np.stack(frames)


def degrade(frames, noise_std, seed=0):
    """Blurred frames plus fixed-seed Gaussian noise, float32, not clipped.

    float32 like the model outputs, so that the reference and the metric
    round exactly the same values.
    """
    rng = np.random.default_rng(seed)
    blurred = np.stack([cv2.GaussianBlur(f, (5, 5), 1.2) for f in frames])
    noisy = blurred + rng.normal(0, noise_std, frames.shape)
    return noisy.astype(np.float32)


def to_tensor(frames):
    """``(T, H, W, C)`` array to a float32 ``(T, C, H, W)`` tensor."""
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(
        0, 3, 1, 2).float()


def make_sample(pred, gt, key, clip=None, frame_ids=None):
    """A data sample dict as mmagic's Evaluator hands it to metrics."""
    sample = dict(gt_img=to_tensor(gt), key=key, output=dict(
        pred_img=to_tensor(pred)))
    if clip is not None:
        sample['clip'] = clip
    if frame_ids is not None:
        sample['frame_ids'] = frame_ids
    return sample


def run_metric(samples, **kwargs):
    metric = STVSRMetric(**kwargs)
    metric.process(None, samples)
    return metric, metric.compute_metrics(metric.results)


def ref_clip(pred, gt, crop=0):
    """Per-frame reference metrics of a clip, as dict of lists."""
    per_frame = [ref_frame_metrics(p, g, crop) for p, g in zip(pred, gt)]
    return {m: [f[m] for f in per_frame] for m in per_frame[0]}


# ---------------------------------------------------------------------------
# Tests.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('crop', [0, 4])
def test_matches_independent_reference(gt_frames, crop):
    pred = degrade(gt_frames, noise_std=4.0)
    # Out-of-range patches, so that clamping to [0, 255] is exercised.
    pred[:, :16, :16] = -30.
    pred[:, -16:, -16:] = 290.
    metric, res = run_metric([make_sample(pred, gt_frames, '00002/0004')],
                             crop_border=crop)
    ref = ref_clip(pred, gt_frames, crop)

    assert set(res) == {'Y-PSNR', 'Y-SSIM', 'RGB-PSNR'}
    for name, values in ref.items():
        assert res[name] == pytest.approx(np.mean(values), rel=1e-9, abs=1e-9)
    # Sanity: a realistic degradation, not a degenerate value.
    assert 25 < res['Y-PSNR'] < 45 and 0.5 < res['Y-SSIM'] < 0.999
    assert metric.per_clip == [
        dict(clip='00002/0004', num_frames=7, **res)
    ]


def test_ssim_matches_skimage(gt_frames):
    pred = degrade(gt_frames[:3], noise_std=6.0, seed=1)
    _, res = run_metric([make_sample(pred, gt_frames[:3], 'a/0001')],
                        metrics=['Y-SSIM'])
    expected = np.mean([
        structural_similarity(
            ref_y(ref_quantize(p)),
            ref_y(ref_quantize(g)),
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
            data_range=255) for p, g in zip(pred, gt_frames[:3])
    ])
    assert res == {'Y-SSIM': pytest.approx(expected, abs=1e-6)}


def test_uint8_rounding(gt_frames):
    gt = gt_frames[:2].astype(np.float64)
    _, res = run_metric([make_sample(gt + 0.4, gt, 'k/0')])
    assert res == {'Y-PSNR': np.inf, 'Y-SSIM': 1.0, 'RGB-PSNR': np.inf}

    # +0.6 rounds up to +1, and 255 + 0.6 is clamped back to 255.
    assert (gt == 255).any()
    _, res_06 = run_metric([make_sample(gt + 0.6, gt, 'k/0')])
    _, res_1 = run_metric([make_sample(np.minimum(gt + 1, 255), gt, 'k/0')])
    assert np.isfinite(res_06['Y-PSNR']) and res_06['Y-SSIM'] < 1
    assert res_06 == res_1


def test_clip_vs_frame_average(gt_frames):
    pred_a = degrade(gt_frames[:5], noise_std=2.0, seed=2)
    pred_b = degrade(gt_frames[5:], noise_std=12.0, seed=3)
    samples = [
        make_sample(pred_a, gt_frames[:5], 'a/0000'),
        make_sample(pred_b, gt_frames[5:], 'b/0000'),
    ]
    ref_a = ref_clip(pred_a, gt_frames[:5])['Y-PSNR']
    ref_b = ref_clip(pred_b, gt_frames[5:])['Y-PSNR']
    clip_mean = (np.mean(ref_a) + np.mean(ref_b)) / 2
    frame_mean = np.mean(ref_a + ref_b)
    assert abs(clip_mean - frame_mean) > 0.5

    metric, res_clip = run_metric(samples, metrics=['Y-PSNR'])
    _, res_frame = run_metric(samples, metrics=['Y-PSNR'], average='frame')
    assert res_clip['Y-PSNR'] == pytest.approx(clip_mean, rel=1e-9)
    assert res_frame['Y-PSNR'] == pytest.approx(frame_mean, rel=1e-9)
    assert [(r['clip'], r['num_frames']) for r in metric.per_clip] == [
        ('a/0000', 5), ('b/0000', 2)
    ]


def test_windows_of_one_clip_are_grouped(gt_frames):
    pred = degrade(gt_frames, noise_std=3.0, seed=4)
    # Real DataSample objects, converted the way mmagic's Evaluator does.
    samples = []
    for start, stop in [(0, 4), (4, 7)]:
        sample = DataSample(
            gt_img=to_tensor(gt_frames[start:stop]),
            metainfo=dict(key=f'vid/{start:04d}', clip='vid'))
        sample.output = DataSample(pred_img=to_tensor(pred[start:stop]))
        samples.append(sample.to_dict())
    other = degrade(gt_frames[:1], noise_std=20.0, seed=5)
    samples.append(make_sample(other, gt_frames[:1], 'other/0000'))

    metric, res = run_metric(samples)
    ref_vid = ref_clip(pred, gt_frames)
    ref_other = ref_clip(other, gt_frames[:1])
    assert [(r['clip'], r['num_frames']) for r in metric.per_clip] == [
        ('vid', 7), ('other/0000', 1)
    ]
    for name in res:
        expected = (np.mean(ref_vid[name]) + ref_other[name][0]) / 2
        assert res[name] == pytest.approx(expected, rel=1e-9)

    # Without the `clip` field, every window is its own clip.
    for sample in samples[:2]:
        del sample['clip']
    metric, _ = run_metric(samples)
    assert [r['clip'] for r in metric.per_clip] == [
        'vid/0000', 'vid/0004', 'other/0000'
    ]


def test_channel_order(gt_frames):
    pred = degrade(gt_frames[:2], noise_std=5.0, seed=6)
    pred[..., 0] += 15.  # a blue cast: weighted 24.966 in Y, not 65.481
    gt = gt_frames[:2]
    _, bgr = run_metric([make_sample(pred, gt, 'k/0')])
    _, wrong = run_metric([make_sample(pred, gt, 'k/0')], channel_order='RGB')
    _, rgb = run_metric([make_sample(pred[..., ::-1], gt[..., ::-1], 'k/0')],
                        channel_order='RGB')
    assert rgb == pytest.approx(bgr, rel=1e-12)
    assert wrong['Y-PSNR'] < bgr['Y-PSNR'] - 1
    # Read as RGB, the blue channel gets the red weight of the Y formula.
    expected = np.mean(ref_clip(pred[..., ::-1], gt[..., ::-1])['Y-PSNR'])
    assert wrong['Y-PSNR'] == pytest.approx(expected, rel=1e-9)
    assert wrong['RGB-PSNR'] == pytest.approx(bgr['RGB-PSNR'], rel=1e-12)


def test_single_frame_sample(gt_frames):
    pred = degrade(gt_frames[:1], noise_std=5.0, seed=7)
    sample = make_sample(pred, gt_frames[:1], 'k/0')
    _, res_4d = run_metric([sample])
    sample_3d = dict(sample, gt_img=sample['gt_img'][0],
                     output=dict(pred_img=sample['output']['pred_img'][0]))
    metric, res_3d = run_metric([sample_3d])
    assert res_3d == res_4d
    assert metric.per_clip[0]['num_frames'] == 1


@pytest.mark.parametrize('pred_slice', [
    np.s_[:3, :, :, :],  # fewer frames
    np.s_[:, :-2, :, :],  # smaller frames
])
def test_shape_mismatch_raises(gt_frames, pred_slice):
    gt = gt_frames[:4]
    sample = make_sample(gt[pred_slice], gt, '00002/0004')
    metric = STVSRMetric()
    with pytest.raises(ValueError) as err:
        metric.process(None, [sample])
    msg = str(err.value)
    assert '00002/0004' in msg
    assert str(tuple(sample['output']['pred_img'].shape)) in msg
    assert str(tuple(sample['gt_img'].shape)) in msg


def test_invalid_arguments():
    with pytest.raises(ValueError, match='Y-PSNR'):
        STVSRMetric(metrics=['PSNR'])
    with pytest.raises(ValueError, match='average'):
        STVSRMetric(average='dataset')
    with pytest.raises(ValueError, match='channel_order'):
        STVSRMetric(channel_order='YUV')


def test_registry_subset_names_and_table(gt_frames, monkeypatch):
    import mmstvsr.evaluation  # noqa: F401

    metric = METRICS.build(dict(type='STVSRMetric', metrics=['RGB-PSNR']))
    assert isinstance(metric, STVSRMetric)

    logged = []
    monkeypatch.setattr(stvsr_metric, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    pred = degrade(gt_frames[:2], noise_std=5.0, seed=8)
    metric.process(None, [make_sample(pred, gt_frames[:2], 'c/0001')])
    # The full evaluate() path: plain metric names, no prefix.
    res = metric.evaluate(1)
    expected = np.mean(ref_clip(pred, gt_frames[:2])['RGB-PSNR'])
    assert res == {'RGB-PSNR': pytest.approx(expected, rel=1e-9)}
    table = logged[0]
    assert 'c/0001' in table and 'mean (clip)' in table
    assert f'{expected:.4f}' in table and 'Y-PSNR' not in table


def test_table_shows_the_first_rows_and_counts_the_others(gt_frames, monkeypatch):
    """Vimeo's 4,977 test clips used to log 4,977 rows: the table stops at ``table_rows``."""
    logged = []
    monkeypatch.setattr(stvsr_metric, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    for rows, shown in ((2, ['c/0000', 'c/0001']), (None, [f'c/000{i}' for i in range(5)])):
        metric = STVSRMetric(metrics=['RGB-PSNR'], table_rows=rows)
        metric.process(None, [make_sample(gt_frames[:1], gt_frames[:1], f'c/000{i}')
                              for i in range(5)])
        metric.evaluate(5)
        assert len(metric.per_clip) == 5
        lines = logged[-1].splitlines()
        assert [line.split()[0] for line in lines if line.startswith('c/')] == shown
        assert ('... 3 more clips (all in the CSV of tools/test.py --out)' in lines) == bool(rows)
        assert 'mean (clip)' in lines[-1]
    assert STVSRMetric().table_rows == 20


def test_missing_key_raises(gt_frames):
    sample = make_sample(gt_frames[:1], gt_frames[:1], 'k/0')
    del sample['key']
    with pytest.raises(KeyError, match='meta_keys'):
        STVSRMetric().process(None, [sample])


def test_mmagic_evaluator(gt_frames):
    """The hooks mmagic's Evaluator calls: prepare, samplers, evaluate()."""
    from mmagic.evaluation import Evaluator

    evaluator = Evaluator([dict(type='STVSRMetric', metrics=['Y-PSNR'])])
    loader = SimpleNamespace(dataset=[0, 1])
    evaluator.prepare_metrics(None, loader)
    [(metrics, sampler)] = evaluator.prepare_samplers(None, loader)
    assert sampler is loader

    preds = [degrade(gt_frames[i:i + 2], 6.0, seed=i) for i in (0, 2)]
    samples = []
    for i, pred in zip((0, 2), preds):
        sample = DataSample(
            gt_img=to_tensor(gt_frames[i:i + 2]),
            metainfo=dict(key=f'clip{i}/0000'))
        sample.output = DataSample(pred_img=to_tensor(pred))
        samples.append(sample)
    evaluator.process(samples, None, metrics)
    expected = np.mean([
        np.mean(ref_clip(pred, gt_frames[i:i + 2])['Y-PSNR'])
        for i, pred in zip((0, 2), preds)
    ])
    assert evaluator.evaluate() == {
        'Y-PSNR': pytest.approx(expected, rel=1e-9)
    }


def test_overlapping_windows_count_each_frame_once(gt_frames):
    """Vid4-style windows: the tail window re-predicts frames an earlier window counted."""
    pred = degrade(gt_frames, noise_std=3.0, seed=5)
    other = degrade(gt_frames, noise_std=20.0, seed=6)  # a different prediction of frames 2-6
    samples = [
        make_sample(pred[:5], gt_frames[:5], 'v/0', clip='v', frame_ids=[0, 1, 2, 3, 4]),
        make_sample(other[2:], gt_frames[2:], 'v/2', clip='v', frame_ids=[2, 3, 4, 5, 6]),
    ]
    metric, res = run_metric(samples, metrics=['Y-PSNR'])
    ref = ref_clip(pred[:5], gt_frames[:5])['Y-PSNR'] + ref_clip(other[5:], gt_frames[5:])['Y-PSNR']
    assert metric.per_clip[0]['num_frames'] == 7
    assert res['Y-PSNR'] == pytest.approx(np.mean(ref), rel=1e-9)

    bad = make_sample(pred[:2], gt_frames[:2], 'v/0', clip='v', frame_ids=[0])
    with pytest.raises(ValueError, match='frame_ids'):
        run_metric([bad])


def test_hierarchical_video_average(gt_frames):
    """RSTT's average: frames -> clip -> video (first name component) -> dataset."""
    noise = {'00001/0001': 2.0, '00001/0002': 4.0, '00001/0003': 6.0, '00002/0001': 15.0}
    samples, clip_means = [], {}
    for i, (clip, std) in enumerate(noise.items()):
        pred = degrade(gt_frames[:2], noise_std=std, seed=i)
        samples.append(make_sample(pred, gt_frames[:2], clip))
        clip_means[clip] = np.mean(ref_clip(pred, gt_frames[:2])['Y-PSNR'])
    video_1 = np.mean([clip_means[c] for c in ('00001/0001', '00001/0002', '00001/0003')])
    expected = (video_1 + clip_means['00002/0001']) / 2
    assert abs(expected - np.mean(list(clip_means.values()))) > 0.3

    metric, res = run_metric(samples, metrics=['Y-PSNR'], average='video')
    assert res['Y-PSNR'] == pytest.approx(expected, rel=1e-9)
    assert [(v['video'], v['num_clips'], v['num_frames']) for v in metric.per_video] == [
        ('00001', 3, 6), ('00002', 1, 2)
    ]
    _, res_clip = run_metric(samples, metrics=['Y-PSNR'])
    assert res_clip['Y-PSNR'] == pytest.approx(np.mean(list(clip_means.values())), rel=1e-9)


def test_selected_frames_only(gt_frames):
    """``frames=[1]`` scores the middle frame of triplets (the DSFN paper's protocol)."""
    pred = degrade(gt_frames[:3], noise_std=6.0)
    _, result = run_metric([make_sample(pred, gt_frames[:3], 'a')], frames=[1])
    ref = ref_frame_metrics(pred[1], gt_frames[1])
    for name, value in ref.items():
        assert result[name] == pytest.approx(value, abs=1e-10)
    with pytest.raises(ValueError, match='does not have'):
        run_metric([make_sample(pred, gt_frames[:3], 'a')], frames=[3])
