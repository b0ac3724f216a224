"""tools/analysis/benchmark_speed.py: fields and their consistency on tiny clips (no timing)."""
import json
import statistics

import pytest
import torch

from mmstvsr.utils import fast_path

TINY = 'configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py'
STINET_TINY = 'configs/stinet/stinet_tiny.py'
# 2 LR frames of 16x16 -> 3 frames of 64x64; a small reference conv; one CPU thread
FAST = [
    '--input-shape', '2', '16', '16', '--warmup', '1', '--runs', '2', '--threads', '1',
    '--conv-gflops', '0.05'
]


@pytest.fixture(scope='module')
def tool(analysis_tool):
    return analysis_tool('benchmark_speed')


@pytest.fixture(autouse=True)
def _from_root(in_root):
    """Every test runs from the repository root (``in_root`` of conftest.py)."""


def _benchmark(tool, tmp_path, config, *args):
    out = tmp_path / 'speed.json'
    result = tool.main([config, *FAST, '--json', str(out), *args])
    assert json.loads(out.read_text()) == result
    assert [p.name for p in tmp_path.iterdir()] == ['speed.json']  # no temporary file left
    return result


def _check_consistency(result):
    frames = result['output_shape'][0]
    speed, conv, flops = result['speed'], result['dense_conv'], result['flops']
    assert (speed['warmup'], speed['runs']) == (1, 2) and len(speed['times_s']) == 2
    assert speed['median_s'] == statistics.median(speed['times_s'])
    assert speed['min_s'] == min(speed['times_s'])
    assert speed['ms_per_call'] == pytest.approx(1e3 * speed['median_s'])
    assert speed['fps'] == pytest.approx(frames / speed['median_s'])
    assert speed['fps_best'] == pytest.approx(frames / speed['min_s'])
    assert speed['gflops_per_s'] == pytest.approx(flops['per_call'] / speed['median_s'] / 1e9)
    assert flops['per_output_frame'] == pytest.approx(flops['per_call'] / frames)

    n, c, h, w = conv['input_shape']
    assert (c, h, w) == (64, *result['input_shape'][1:])
    assert n >= result['input_shape'][0] and 2 * (n - 1) * 64 * 64 * 9 * h * w < 0.05e9
    assert conv['flops_per_call'] == 2 * n * 64 * h * w * 64 * 9
    assert conv['median_s'] == statistics.median(conv['times_s']) and len(conv['times_s']) == 2
    assert conv['gflops_per_s'] == pytest.approx(conv['flops_per_call'] / conv['median_s'] / 1e9)
    assert result['fraction_of_conv_peak'] == pytest.approx(
        speed['gflops_per_s'] / conv['gflops_per_s'])
    assert (result['device'], result['dtype'], result['threads']) == ('cpu', 'float32', 1)


def test_residual_tiny(tool, tmp_path, capsys):
    result = _benchmark(tool, tmp_path, TINY)
    assert result['output_shape'] == [3, 64, 64]
    assert result['params'] == dict(total=21_456, trainable=21_456)
    # the hand count of tests/test_tools/test_model_complexity.py
    assert result['flops']['per_call'] == 2 * 13_135_872
    assert result['flops']['dcn_per_call'] == 0 and result['flops']['dcn_share'] == 0
    _check_consistency(result)
    out = capsys.readouterr().out
    for row in ('GFLOPs per output frame', 'output frames per second', 'model GFLOP/s',
                'dense conv GFLOP/s', 'fraction of dense-conv peak', 'results written to'):
        assert row in out


def test_stinet_tiny_matches_model_complexity(tool, tmp_path, analysis_tool):
    result = _benchmark(tool, tmp_path, STINET_TINY)
    _check_consistency(result)
    out = tmp_path / 'complexity.json'
    complexity = analysis_tool('model_complexity').main(
        [STINET_TINY, '--input-shape', '2', '16', '16', '--json', str(out)])
    assert result['params']['total'] == complexity['params']['total']
    flops = complexity['flops']
    assert result['flops']['per_call'] == flops['flops']
    assert result['flops']['gflops_per_output_frame'] == flops['gflops_per_output_frame']
    dcn_macs = flops['macs_by_operator']['deform_conv2d']  # torchvision's, ModulatedDCNPack
    assert result['flops']['dcn_per_call'] == 2 * dcn_macs > 0
    assert result['flops']['dcn_share'] == pytest.approx(dcn_macs / flops['macs'])


def test_time_calls_skips_warmup(tool):
    calls = []
    times = tool.time_calls(lambda: calls.append(1), 3, 4, torch.device('cpu'), 'no-op')
    assert len(calls) == 7 and len(times) == 4 and all(t >= 0 for t in times)


@pytest.mark.parametrize('args, message', [
    (['configs/nope.py'], 'config file not found: configs/nope.py'),
    ([TINY, '--fp16'], '--fp16 runs under CUDA autocast and needs --device cuda'),
    ([TINY, '--runs', '0'], '--runs >= 1'),
    ([TINY, '--threads', '0'], '--threads needs >= 1'),
    ([TINY, '--conv-gflops', '0'], '--conv-gflops needs a positive number'),
    ([TINY, '--device', 'gpu'], 'not a torch device; use cpu, cuda or cuda:N'),
    ([TINY, '--device', 'meta'], 'this tool times on cpu or cuda[:N] only'),
    ([TINY, '--input-shape', '1', '16', '16'], 'needs T >= 2 frames'),
])
def test_bad_arguments(tool, capsys, args, message):
    with pytest.raises(SystemExit) as error:
        tool.main(args)
    assert message in f'{error.value.code}' + capsys.readouterr().err


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the error of a machine without CUDA')
def test_cuda_without_gpu(tool, capsys):
    with pytest.raises(SystemExit):
        tool.main([TINY, '--device', 'cuda'])
    assert '--device cuda needs a CUDA GPU' in capsys.readouterr().err


# ------------------------------------------------------------------ run paths
PATH_KEYS = {'name', 'fps', 'speedup', 'psnr_vs_fp32', 'max_abs_diff', 'default',
             'conv_peak_gflops', 'fraction'}


def test_compare_paths(tool, tmp_path, capsys):
    result = _benchmark(tool, tmp_path, TINY, '--compare')
    _check_consistency(result)  # the top-level blocks are the fp32 NCHW reference's
    names = [row['name'] for row in result['paths']]
    available = [p.name for p in fast_path.available_paths('cpu')]
    assert names[0] == 'fp32' and sorted(names) == sorted(available)
    assert result['default_path'] == fast_path.default_path('cpu').name
    assert [row['name'] for row in result['paths'] if row['default']] == [result['default_path']]
    assert result['path_errors'] == {}
    frames, flops = result['output_shape'][0], result['flops']['per_call']
    for row in result['paths']:
        assert PATH_KEYS <= set(row) and len(row['times_s']) == len(row['conv_times_s']) == 2
        assert row['fps'] == pytest.approx(frames / statistics.median(row['times_s']))
        assert row['gflops_per_s'] == pytest.approx(flops / statistics.median(row['times_s']) / 1e9)
        assert row['conv_peak_gflops'] > 0 and row['fraction'] > 0 and row['speedup'] > 0
        # float rounding only: channels_last, bf16 autocast (fp32 regions) on a tiny model
        assert row['psnr_vs_fp32'] > (100 if row['precision'] == 'fp32' else 30)
    reference = result['paths'][0]
    assert reference['speedup'] == 1 and reference['max_abs_diff'] == 0
    assert reference['psnr_vs_fp32'] == float('inf')
    assert reference['times_s'] == result['speed']['times_s']
    out = capsys.readouterr().out
    assert 'the default path (fast_path.default_path)' in out and 'PSNR dB' in out


def test_compare_reports_a_failed_compile(tool, tmp_path, monkeypatch):
    def broken_compile(module):
        def call(*args):
            raise RuntimeError('no C++ compiler\nmore detail')
        return call

    monkeypatch.setattr(torch, 'compile', broken_compile)
    result = _benchmark(tool, tmp_path, TINY, '--compare', '--compile')
    name = fast_path.default_path('cpu').name + '+compile'
    assert result['path_errors'] == {name: 'RuntimeError: no C++ compiler'}
    assert name not in [row['name'] for row in result['paths']]


@pytest.mark.skipif(not fast_path.cpu_supports_bf16(), reason='needs a CPU with native bf16')
def test_precision_bf16(tool, tmp_path):
    result = _benchmark(tool, tmp_path, TINY, '--precision', 'bf16')
    path = fast_path.default_path('cpu', 'bf16').name
    assert (result['path'], result['dtype']) == (path, 'bfloat16 (autocast)')
    assert result['dense_conv']['path'] == path and 'paths' not in result


def test_unavailable_precision(tool, capsys, monkeypatch):
    monkeypatch.setattr(fast_path, 'cpu_supports_bf16', lambda: False)
    with pytest.raises(SystemExit) as error:
        tool.main([TINY, '--precision', 'bf16'])
    assert error.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].endswith('precision bf16 is not available on cpu (this device runs fp32): use '
                            '--precision fp32')


def test_round_robin_interleaves(tool):
    order = []
    times = tool.time_round_robin({'a': lambda: order.append('a'), 'b': lambda: order.append('b')},
                                  1, 2, torch.device('cpu'))
    assert order == ['a', 'b'] * 3 and [len(t) for t in times.values()] == [2, 2]


@pytest.mark.parametrize('args, message', [
    ([TINY, '--precision', 'fp16'], 'precision fp16 is not available on cpu'),
    ([TINY, '--precision', 'int8'], "invalid choice: 'int8'"),
    ([TINY, '--compile'], '--compile adds a path to --compare: give --compare too'),
    ([TINY, '--compare', '--precision', 'fp32'], 'leave out --precision'),
])
def test_bad_path_arguments(tool, capsys, args, message):
    with pytest.raises(SystemExit) as error:
        tool.main(args)
    assert error.value.code == 2 and message in capsys.readouterr().err
