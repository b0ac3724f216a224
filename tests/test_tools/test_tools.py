"""End-to-end runs of tools/test.py, tools/train.py, tools/dist_train.sh and the tiny STINet recipe
(dry run) on real frames."""
import argparse
import csv
import glob
import json
import os
import os.path as osp
import re
import shlex
import signal
import subprocess
import sys
import time

import cv2
import pytest
import torch
from mmengine.config import Config, DictAction
from mmengine.runner.checkpoint import _load_checkpoint

import mmstvsr  # noqa: F401  (installs the checkpoint loader)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet')
BASELINE = 'configs/baselines/bicubic-flow_x4_vimeo-septuplet.py'
TINY = 'configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py'
TEST_DATA = [f'test_dataloader.dataset.data_root={DATA}']
TRAIN_OPTS = [
    f'train_dataloader.dataset.data_root={DATA}', f'val_dataloader.dataset.data_root={DATA}',
    'train_cfg.val_interval=100000', 'default_hooks.logger.interval=1',
    'default_hooks.checkpoint.interval=2', 'default_hooks.checkpoint.max_keep_ckpts=100'
]


#: Lines of MMEngine's start-up dump (environment, config, hooks, ~280 lines): on the console of
#: tools/test.py and tools/train.py only with --verbose, always in the log file of the work dir.
DUMP = ('System environment:', 'Runtime environment:', 'Config:', 'Hooks will be executed')


def _run(args, timeout=600, **kwargs):
    return subprocess.run([sys.executable] + args, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def _work_dir_logs(work_dir):
    """The log files MMEngine writes to ``<work_dir>/<timestamp>/<timestamp>.log``."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.log')))
    assert logs, f'no log file in {work_dir}'
    return logs


def _work_dir_log(work_dir):
    """The text of the log files of ``work_dir``."""
    return ''.join(open(path).read() for path in _work_dir_logs(work_dir))


def _assert_dump(text, shown=True):
    """Assert that MMEngine's start-up dump is (or is not) in ``text``."""
    for line in DUMP:
        assert (line in text) == shown, (line, text[-3000:])


def test_baseline_evaluates_real_frames_and_saves_frames(tmp_path):
    out = tmp_path / 'metrics.json'
    frames = tmp_path / 'frames'
    res = _run(['tools/test.py', BASELINE, '--work-dir', str(tmp_path / 'wd'), '--out',
                str(out), '--save-frames', str(frames), '--cfg-options'] + TEST_DATA)
    assert res.returncode == 0, res.stderr[-3000:]
    saved = json.loads(out.read_text())
    metrics = saved['metrics']
    # the README's numbers: test_readme_results_of_the_baselines_and_the_default_model
    assert metrics['Y-PSNR'] == pytest.approx(30.2514, abs=0.01), metrics
    # quiet by default: the bar (stderr), the per-clip table, the metrics and a summary line
    # (286 lines of stdout before); the start-up dump only in the log file
    _assert_dump(res.stdout + res.stderr, shown=False)
    assert 'Iter(test)' not in res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 11, res.stdout
    assert lines[1].startswith('STVSRMetric: ') and lines[-3].startswith('mean (clip)  '), lines
    assert lines[-2] == 'Y-PSNR: 30.2514  Y-SSIM: 0.8205  RGB-PSNR: 28.3201', lines
    [log_file] = _work_dir_logs(tmp_path / 'wd')
    assert lines[-1].startswith('tested 3 samples in '), lines
    assert lines[-1].endswith(
        f'; results: {out} and {tmp_path / "metrics.csv"}; full log: {log_file}'), lines
    assert 'mmengine' not in res.stderr, res.stderr[-3000:]
    log = _work_dir_log(tmp_path / 'wd')
    _assert_dump(log)
    assert 'Iter(test) [3/3]' in log
    # per clip and per video, JSON and CSV; the default average is over clips
    assert [row['clip'] for row in saved['per_clip']] == ['00002/0004', '00002/0007', '00002/0008']
    assert metrics['Y-PSNR'] == pytest.approx(
        sum(row['Y-PSNR'] for row in saved['per_clip']) / 3, rel=1e-12)
    assert [(row['video'], row['num_clips']) for row in saved['per_video']] == [('00002', 3)]
    with open(tmp_path / 'metrics.csv') as f:
        rows = list(csv.DictReader(f))
    assert [row['clip'] for row in rows] == ['00002/0004', '00002/0007', '00002/0008']
    assert float(rows[1]['Y-SSIM']) == pytest.approx(saved['per_clip'][1]['Y-SSIM'])
    assert not list(tmp_path.glob('*.partial'))
    for clip in ('00002/0004', '00002/0007', '00002/0008'):
        saved = sorted(os.listdir(frames / clip))
        assert saved == [f'{i:04d}.png' for i in range(7)]
        assert cv2.imread(str(frames / clip / '0003.png')).shape == (256, 448, 3)


def test_test_tool_bad_input(tmp_path):
    res = _run(['tools/test.py', BASELINE, str(tmp_path / 'missing.pth')])
    assert res.returncode != 0 and 'checkpoint not found' in res.stderr
    res = _run(['tools/test.py', TINY, '--work-dir', str(tmp_path), '--cfg-options'] + TEST_DATA)
    assert res.returncode != 0 and 'give its CHECKPOINT' in res.stderr
    # --verbose: MMEngine's start-up dump is back on the console (logged before the data is read)
    res = _run(['tools/test.py', BASELINE, '--verbose', '--work-dir', str(tmp_path / 'verbose'),
                '--cfg-options', f'test_dataloader.dataset.data_root={tmp_path}'])
    assert res.returncode == 1 and 'Traceback' not in res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and 'list file not found' in last, res.stderr[-3000:]
    _assert_dump(res.stdout)
    notes = tmp_path / 'notes.pth'
    notes.write_text('hello\n')  # used to end in a KeyError traceback
    res = _run(['tools/test.py', TINY, str(notes), '--work-dir', str(tmp_path), '--cfg-options']
               + TEST_DATA)
    assert res.returncode == 1 and 'Traceback' not in res.stderr
    assert 'notes.pth is not a PyTorch checkpoint (KeyError: 101)' in res.stderr


def test_train_tool_bad_input(tmp_path):
    res = _run(['tools/train.py', 'configs/nope.py'])
    assert res.returncode != 0 and 'config file not found: configs/nope.py' in res.stderr
    if not torch.cuda.is_available():
        res = _run(['tools/train.py', TINY, '--amp', '--work-dir', str(tmp_path)])
        assert res.returncode != 0 and '--amp (mixed precision) needs a CUDA GPU' in res.stderr
    res = _run(['tools/train.py', TINY, '--resume', str(tmp_path / 'none.pth')])
    assert res.returncode != 0 and 'checkpoint not found' in res.stderr
    notes = tmp_path / 'notes.pth'
    notes.write_text('hello\n')
    res = _run(['tools/train.py', TINY, '--resume', str(notes), '--work-dir', str(tmp_path),
                '--cfg-options', 'train_cfg.max_iters=1'] + TRAIN_OPTS)
    assert res.returncode == 1 and 'Traceback' not in res.stderr
    assert 'notes.pth is not a PyTorch checkpoint' in res.stderr


def _last_checkpoint(work_dir):
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def test_train_stops_at_a_non_finite_loss_and_saves_no_nan(tmp_path):
    """With a learning rate that makes the loss NaN at iteration 2, training used to go on, exit
    0 and save NaN checkpoints; it now stops with one line and saves only finite weights."""
    work_dir = tmp_path / 'nan'
    res = _run(['tools/train.py', TINY, '--work-dir', str(work_dir), '--cfg-options',
                'train_cfg.max_iters=6', 'optim_wrapper.optimizer.lr=1e6'] + TRAIN_OPTS +
               ['default_hooks.checkpoint.interval=1'])
    assert res.returncode == 1, res.stderr[-2000:]
    assert res.stderr.strip().splitlines()[-1].startswith(
        'error: iteration 2: non-finite loss (loss=nan'), res.stderr[-2000:]
    # the loss lines on the console, MMEngine's start-up dump only in the log file
    assert re.search(r'Iter\(train\) \[1/6\] .* loss: ', res.stdout), res.stdout[-3000:]
    _assert_dump(res.stdout + res.stderr, shown=False)
    _assert_dump(_work_dir_log(work_dir))
    saved = sorted(work_dir.glob('iter_*.pth'))
    assert [p.name for p in saved] == ['iter_1.pth']
    weights = torch.load(saved[0], weights_only=False)['state_dict'].values()
    assert all(torch.isfinite(w).all() for w in weights if w.is_floating_point())


def test_train_killed_then_resumed_then_tested(tmp_path):
    work_dir = str(tmp_path / 'train')
    proc = subprocess.Popen(
        [sys.executable, 'tools/train.py', TINY, '--work-dir', work_dir, '--cfg-options',
         'train_cfg.max_iters=1000'] + TRAIN_OPTS,
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while not osp.exists(osp.join(work_dir, 'last_checkpoint')):
            assert proc.poll() is None, 'training exited before its first checkpoint'
            assert time.time() < deadline, 'no checkpoint after 300 s'
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    ckpt = _last_checkpoint(work_dir)
    done = int(re.search(r'iter_(\d+)\.pth', ckpt).group(1))
    assert done >= 2

    res = _run(['tools/train.py', TINY, '--work-dir', work_dir, '--resume', '--cfg-options',
                f'train_cfg.max_iters={done + 2}'] + TRAIN_OPTS)
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-3000:]
    assert f'resumed epoch: 0, iter: {done}' in log
    assert re.search(rf'Iter\(train\) \[\s*{done + 1}/{done + 2}\]', log)
    assert not re.search(rf'Iter\(train\) \[\s*{done}/', log)
    final = osp.join(work_dir, f'iter_{done + 2}.pth')
    state = _load_checkpoint(final, map_location='cpu')  # weights_only, MMEngine types allowed
    assert state['meta']['iter'] == done + 2

    res = _run(['tools/test.py', TINY, final, '--work-dir', str(tmp_path / 'test'),
                '--out', str(tmp_path / 'tiny.json'), '--cfg-options'] + TEST_DATA)
    assert res.returncode == 0, res.stderr[-3000:]
    assert json.loads((tmp_path / 'tiny.json').read_text())['metrics']['Y-PSNR'] > 15


def test_two_process_cpu_training(tmp_path):
    work_dir = str(tmp_path / 'dist')
    env = dict(os.environ, PYTHON=sys.executable, PORT='29517')
    res = subprocess.run(
        ['bash', 'tools/dist_train.sh', TINY, '2', '--work-dir', work_dir, '--cfg-options',
         'train_cfg.max_iters=2'] + TRAIN_OPTS,
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-3000:]
    assert 'Distributed training: True' in _work_dir_log(work_dir)  # MMEngine's environment
    assert 'gloo' in log
    assert osp.exists(osp.join(work_dir, 'iter_2.pth'))


#: Evaluators of :func:`_evaluate`: all 7 output frames, the input times, the in-between times.
SPLIT_EVALUATORS = """
test_evaluator = [
    dict(type='STVSRMetric'),
    dict(type='STVSRMetric', frames=[0, 2, 4, 6], prefix='input'),
    dict(type='STVSRMetric', frames=[1, 3, 5], prefix='intermediate'),
]
"""


def _evaluate(config, tmp_path, name):
    """Metrics of ``config`` on the three held-out real test septuplets (tools/test.py), with the
    input-time and intermediate-time Y-PSNR of the README's STINet table."""
    split = tmp_path / f'{name}.py'
    split.write_text(f'_base_ = [{osp.join(ROOT, config)!r}]\n' + SPLIT_EVALUATORS)
    out = tmp_path / f'{name}.json'
    res = _run(['tools/test.py', str(split), '--work-dir', str(tmp_path / name), '--out',
                str(out), '--cfg-options'] + TEST_DATA)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(out.read_text())['metrics']


def test_readme_results_of_the_baselines_and_the_default_model(tmp_path, readme_rows):
    """The README's tables on the three held-out real test septuplets, within 0.01 dB and 1e-4
    SSIM: "The default model" (and the same x4 baseline row in the STARnet table), the x2
    baseline of the DSFN table, and the input / intermediate Y-PSNR of the baselines in the
    STINet table. The shipped default model (tiny DBPN trained on the bundled training clips,
    then flow interpolation) beats bicubic + flow by more than 0.5 dB."""
    results = {
        'baseline': _evaluate(BASELINE, tmp_path, 'baseline'),
        'baseline_x2': _evaluate('configs/baselines/bicubic-flow_x2_vimeo-septuplet.py', tmp_path,
                                 'baseline_x2'),
        'average': _evaluate('configs/baselines/bicubic-average_x4_vimeo-septuplet.py', tmp_path,
                             'average'),
        'default': _evaluate('configs/cascades/dbpn-tiny-then-flow_x4_vimeo-septuplet.py',
                             tmp_path, 'default'),
    }

    def check(name, row):
        psnr, ssim, rgb = row
        metrics = results[name]
        assert metrics['Y-PSNR'] == pytest.approx(psnr, abs=0.01), (name, metrics)
        assert metrics['Y-SSIM'] == pytest.approx(ssim, abs=1e-4), (name, metrics)
        assert metrics['RGB-PSNR'] == pytest.approx(rgb, abs=0.01), (name, metrics)

    # default-model table, STARnet table (x4), DSFN table (x2)
    x4, starnet_x4, dsfn_x2 = readme_rows('bicubic + Farneback flow (classical baseline)')
    check('baseline', x4)
    check('baseline', starnet_x4)
    check('baseline_x2', dsfn_x2)
    [average] = readme_rows('bicubic + frame averaging')
    check('average', average)
    [default] = readme_rows('default model')
    check('default', default)
    # the STINet table: 30.25 / 0.8205 / 28.32 | input 30.61 | intermediate 29.77, and 27.27
    [[*overall, input_psnr, between_psnr]] = readme_rows(
        'bicubic + Farneback flow (the classical baseline)')
    check('baseline', overall)
    assert results['baseline']['input/Y-PSNR'] == pytest.approx(input_psnr, abs=0.01)
    assert results['baseline']['intermediate/Y-PSNR'] == pytest.approx(between_psnr, abs=0.01)
    [[average_between]] = readme_rows('bicubic + average of the neighbours')
    assert results['average']['intermediate/Y-PSNR'] == pytest.approx(average_between, abs=0.01)
    assert results['default']['Y-PSNR'] > results['baseline']['Y-PSNR'] + 0.5


def test_stinet_tiny_recipe_chains_each_run_from_the_last_checkpoint_of_the_one_before():
    """tools/stinet_tiny_recipe.sh --dry-run: every continuation loads the checkpoint the run
    before it ends with (its max_iters), and the tests score the last run's end."""
    res = subprocess.run(['bash', 'tools/stinet_tiny_recipe.sh', '--dry-run'], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    parser = argparse.ArgumentParser()
    parser.add_argument('tool')
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument('--work-dir')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    commands = [parser.parse_args(shlex.split(line[2:])[1:])
                for line in res.stdout.splitlines() if line.startswith('+ ')]
    trains = [c for c in commands if c.tool == 'tools/train.py']
    tests = [c for c in commands if c.tool == 'tools/test.py']
    assert len(trains) >= 2 and len(tests) == 3
    last = None  # the first run starts from the shipped S-SR weights alone
    for cmd in trains:
        cfg = Config.fromfile(osp.join(ROOT, cmd.config))
        cfg.merge_from_dict(cmd.cfg_options)
        assert cfg.load_from == last
        # CheckpointHook saves the last iteration whatever its interval
        last = f'{cmd.work_dir}/iter_{cfg.train_cfg.max_iters}.pth'
    assert {c.checkpoint for c in tests} == {last}


@pytest.mark.parametrize('loop', ['TestLoop', 'MultiTestLoop'])
def test_quiet_test_tool_shows_the_tables_of_every_evaluator(loop):
    """The quiet console opens while an evaluator computes its metrics (their tables are the
    output), for MMEngine's TestLoop (``evaluator``) and MMagic's MultiTestLoop
    (``evaluators``) alike; other INFO lines stay hidden."""
    import importlib.util
    from types import SimpleNamespace
    sys.path.insert(0, osp.join(ROOT, 'tools'))  # test.py imports its sibling _launch.py
    try:
        spec = importlib.util.spec_from_file_location('test_tool', osp.join(ROOT, 'tools',
                                                                            'test.py'))
        tool = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tool)
        from _launch import QuietConsole
    finally:
        sys.path.remove(osp.join(ROOT, 'tools'))
    console = QuietConsole(info=False)
    seen = []
    evaluators = [SimpleNamespace(evaluate=lambda size: seen.append(console.info))
                  for _ in range(2)]
    test_loop = (SimpleNamespace(evaluators=evaluators) if loop == 'MultiTestLoop' else
                 SimpleNamespace(evaluator=evaluators[0]))
    runner = SimpleNamespace(test_loop=test_loop, test_dataloader=[])
    bar = tool.progress_hook(console)
    bar.before_test(runner)
    bar.close()
    for evaluator in evaluators[:2 if loop == 'MultiTestLoop' else 1]:
        evaluator.evaluate(3)
    assert seen == [True] * (2 if loop == 'MultiTestLoop' else 1)
    assert console.info is False
