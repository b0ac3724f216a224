"""tools/analysis/profile_modules.py: rows, sums and FLOPs on tiny clips (no timing claims)."""
import json

import pytest
import torch

TINY = 'configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py'
STINET_TINY = 'configs/stinet/stinet_tiny.py'
FAST = ['--input-shape', '2', '16', '16', '--threads', '1', '--runs', '2']
ROW_KEYS = {'name', 'calls', 'ms', 'share', 'gflops', 'gflops_per_s'}


@pytest.fixture(scope='module')
def tool(analysis_tool):
    return analysis_tool('profile_modules')


@pytest.fixture(autouse=True)
def _from_root(in_root):
    """Every test runs from the repository root (``in_root`` of conftest.py)."""


def _profile(tool, tmp_path, config, *args):
    out = tmp_path / 'profile.json'
    result = tool.main([config, *FAST, '--json', str(out), *args])
    assert json.loads(out.read_text()) == result
    return result


def _check_rows(result):
    top, deepest = result['top_level'], result['deepest']
    for rows in (top[:-1], deepest):
        assert [r['ms'] for r in rows] == sorted((r['ms'] for r in rows), reverse=True)
    for row in top + deepest:
        assert set(row) == ROW_KEYS and row['ms'] >= 0
        assert row['share'] == pytest.approx(row['ms'] / result['call_ms'])
    assert top[-1]['name'].startswith('(rest')
    # the top-level rows and the rest split the call's time and FLOPs
    assert sum(r['ms'] for r in top) == pytest.approx(result['call_ms'])
    assert sum(r['gflops'] for r in top) == pytest.approx(result['gflops'])
    assert all('.' not in r['name'] for r in top)
    assert result['gflops_per_s'] == pytest.approx(result['gflops'] / result['call_ms'] * 1e3)


def test_residual_tiny(tool, tmp_path, capsys):
    result = _profile(tool, tmp_path, TINY, '--top', '3')
    _check_rows(result)
    # the hand count of tests/test_tools/test_model_complexity.py
    assert result['gflops'] == pytest.approx(2 * 13_135_872 / 1e9)
    assert len(result['deepest']) == 3 and (result['runs'], result['path']) == (2, 'fp32')
    assert all(r['calls'] == 1 for r in result['deepest'])
    out = capsys.readouterr().out
    assert 'top-level modules' in out and 'GFLOP/s' in out and 'results written to' in out


def test_stinet_tiny_containers_and_flops(tool, tmp_path, analysis_tool):
    result = _profile(tool, tmp_path, STINET_TINY, '--depth', '2', '--top', '50')
    _check_rows(result)
    flops = analysis_tool('model_complexity').count_flops(
        analysis_tool('model_complexity').build_model(STINET_TINY, None), [2, 16, 16], 'cpu')
    assert result['gflops'] == pytest.approx(flops['flops'] / 1e9)
    top = {r['name']: r for r in result['top_level']}
    for name, macs in flops['macs_by_module'].items():
        if name in top:
            assert top[name]['gflops'] == pytest.approx(2 * macs / 1e9)
    # stlr is an nn.ModuleList, never called itself: it sums its blocks, whose children are
    # profiled (the list is no level)
    deepest = {r['name']: r for r in result['deepest']}
    inner = [r for n, r in deepest.items() if n.startswith('stlr.0.')]
    assert top['stlr']['calls'] is None and inner and 'stlr.0' not in deepest
    assert top['stlr']['ms'] >= sum(r['ms'] for r in inner)
    # modules never called in this forward (unused heads) are left out
    assert all(r['calls'] is None or r['calls'] > 0 for r in result['top_level'])


def test_module_timer_sums_shared_calls(tool):
    block = torch.nn.Linear(2, 2)
    net = torch.nn.Sequential(block, torch.nn.ReLU(), block)
    timer = tool.ModuleTimer(tool.profiled_modules(net, 1), torch.device('cpu'))
    net(torch.zeros(1, 2))  # not started: nothing counted
    timer.start()
    net(torch.zeros(1, 2))
    timer.stop()
    timer.close()
    net(torch.zeros(1, 2))  # hooks removed
    assert dict(timer.calls) == {'0': 2, '1': 1}  # '2' is the module '0', profiled once


def test_containers_are_no_level(tool):
    block = torch.nn.Sequential(torch.nn.Conv2d(1, 1, 1), torch.nn.Sequential(torch.nn.ReLU()))
    net = torch.nn.Module()
    net.blocks = torch.nn.ModuleList([block])
    net.head = torch.nn.Sequential(torch.nn.ModuleList([torch.nn.ReLU()]))
    net.tail = torch.nn.Sequential(torch.nn.Sequential(torch.nn.ModuleList([torch.nn.ReLU()])))
    modules = tool.profiled_modules(net, 2)
    assert list(modules) == ['blocks', 'blocks.0', 'blocks.0.0', 'blocks.0.1', 'head', 'head.0',
                             'head.0.0', 'tail', 'tail.0']  # no container on the last level
    assert tool.deepest_modules(modules) == ['blocks.0.0', 'blocks.0.1', 'head.0.0', 'tail.0']


@pytest.mark.parametrize('args, message', [
    ([TINY, '--depth', '0'], '--depth needs >= 1, got 0'),
    ([TINY, '--runs', '0'], '--runs needs >= 1, got 0'),
    ([TINY, '--precision', 'fp16'], 'precision fp16 is not available on cpu'),
])
def test_bad_arguments(tool, capsys, args, message):
    with pytest.raises(SystemExit) as error:
        tool.main(args)
    assert error.value.code == 2 and message in capsys.readouterr().err
