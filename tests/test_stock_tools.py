"""mmstvsr configs under the stock MMEngine / MMagic tools.

MMagic's ``tools/train.py`` and ``tools/test.py`` load a config, merge the command-line options,
set ``work_dir`` (and ``load_from``) and call ``Runner.from_cfg`` (then ``train()`` or
``test()``), so every config must build a plain Runner: non-learned configs define no training
parts at all, learned ones all of them. MMagic's own metrics run under MMagic's ``Evaluator``,
which takes ``STVSRMetric`` too, and configs may inherit MMagic's with ``mmagic::``.
"""
import glob
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DATA = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet')
CONFIGS = sorted(
    osp.relpath(p, ROOT) for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in osp.relpath(p, ROOT).split(osp.sep))
#: Builds Runners as MMagic's tools/train.py and tools/test.py do, one JSON line per config.
#: Skipped for speed, as they only fill values: Config.pretty_text (yapf formatting of the dumped
#: config, seconds a config) and the random initialisation of convolutions and linear layers.
BUILD_RUNNERS = r'''
import json, sys, tempfile
from unittest import mock
import torch
from torch.nn.modules.conv import _ConvNd
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner
with mock.patch.object(Config, 'pretty_text', property(lambda self: repr(self.to_dict()))), \
        mock.patch.object(_ConvNd, 'reset_parameters', lambda self: None), \
        mock.patch.object(torch.nn.Linear, 'reset_parameters', lambda self: None):
    for path in sys.argv[1:]:
        error = None
        try:
            cfg = Config.fromfile(path)
            cfg.launcher = 'none'
            cfg.work_dir = tempfile.mkdtemp()
            cfg.load_from = None
            cfg.log_level = 'WARNING'
            parts = [cfg.get(k) is None for k in ('train_dataloader', 'train_cfg', 'optim_wrapper')]
            if len(set(parts)) > 1:
                error = f'half training: train_dataloader, train_cfg, optim_wrapper None: {parts}'
            Runner.from_cfg(cfg)
        except Exception as exc:  # noqa: BLE001  (reported per config)
            error = error or f'{type(exc).__name__}: {exc}'
        print('RESULT ' + json.dumps(dict(config=path, error=error)), flush=True)
'''


def test_every_config_builds_a_runner_as_mmagic_tools_do():
    """``Runner.from_cfg`` of every config (datasets are built lazily: no data needed), in two
    processes."""
    workers = [subprocess.Popen([sys.executable, '-c', BUILD_RUNNERS] + CONFIGS[i::2], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for i in range(2)]
    results = {}
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-3000:]
        for line in out.splitlines():
            if line.startswith('RESULT '):
                row = json.loads(line[len('RESULT '):])
                results[row['config']] = row['error']
    assert sorted(results) == CONFIGS
    failures = {config: error for config, error in results.items() if error}
    assert not failures, failures


def _test_runner(cfg: Config, tmp_path) -> Runner:
    cfg.launcher = 'none'
    cfg.work_dir = str(tmp_path)
    cfg.load_from = None
    cfg.test_dataloader.dataset.data_root = DATA
    cfg.test_dataloader.num_workers = 0
    return Runner.from_cfg(cfg)


def test_non_learned_config_tests_like_mmagic_tools_test(tmp_path):
    """The stock flow (no mmstvsr tool in between) on the bundled test clips."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'baselines',
                                   'bicubic-average_x4_vimeo-septuplet.py'))
    assert cfg.get('train_dataloader') is None and cfg.get('optim_wrapper') is None
    metrics = _test_runner(cfg, tmp_path).test()
    assert 22 < metrics['Y-PSNR'] < 45, metrics


def test_mmagic_base_runtime_evaluator_and_psnr_with_mmstvsr(tmp_path):
    """A config on MMagic's runtime (``mmagic::``, which needs pkg_resources: setuptools < 81)
    with mmstvsr's dataset, model and metric, evaluated by MMagic's Evaluator with its PSNR."""
    dataset_base = osp.join(ROOT, 'configs', '_base_', 'datasets', 'vimeo90k_septuplet_x4_test.py')
    config = tmp_path / 'on_mmagic_runtime.py'
    config.write_text(f'''
_base_ = ['mmagic::_base_/default_runtime.py', {dataset_base!r}]
custom_imports = dict(imports=['mmstvsr'], allow_failed_imports=False)
custom_hooks = []
model = dict(
    type='BaseSTVSRModel',
    generator=dict(type='BicubicAverageNet', scale=4),
    pixel_loss=dict(type='L1Loss'),
    data_preprocessor=dict(type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))
test_evaluator = dict(
    _delete_=True, type='Evaluator', metrics=[dict(type='STVSRMetric'), dict(type='PSNR')])
test_cfg = dict(type='MultiTestLoop')
''')
    cfg = Config.fromfile(str(config))
    assert cfg.visualizer.type == 'ConcatImageVisualizer'  # from MMagic's runtime
    runner = _test_runner(cfg, tmp_path / 'work')
    kept = {}

    class KeepMetrics(Hook):  # MMagic's MultiTestLoop returns nothing (tools/test.py does this)

        def after_test_epoch(self, runner, metrics=None):
            kept.update(metrics or {})

    runner.register_hook(KeepMetrics(), 'LOWEST')
    runner.test()
    assert 22 < kept['Y-PSNR'] < 45, kept
    assert 20 < kept['PSNR'] < 45, kept  # MMagic's metric (RGB, all frames)


class _SeenWeights(Exception):
    """Stops a test run at its first step, with the weights the model had there."""


class _StopAtFirstStep(Hook):

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        raise _SeenWeights(runner.model.generator.upsample.state_dict())


def _weights_at_first_test_step(cfg: Config, tmp_path, load_from=None) -> dict:
    """The DBPN weights of the cascade after its first step in a stock ``Runner.test()``."""
    runner = _test_runner(cfg, tmp_path)
    runner._load_from = load_from  # as Runner.from_cfg sets cfg.load_from
    runner.register_hook(_StopAtFirstStep(), 'LOWEST')
    with pytest.raises(_SeenWeights) as seen:
        runner.test()
    return seen.value.args[0]


def _shipped_upsampler(cfg: Config) -> dict:
    shipped = torch.load(osp.join(ROOT, cfg.s_sr_checkpoint), map_location='cpu',
                         weights_only=False)['state_dict']
    return {k[len('generator.'):]: v for k, v in shipped.items() if k.startswith('generator.')}


def test_cascade_reads_its_pretrained_part_under_a_stock_runner(tmp_path):
    """A stock ``Runner.test()`` never calls ``init_weights()``: the default cascade's frozen
    DBPN reads its weight file at the first test step (``init_fixed_parts_once``)."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'cascades',
                                   'dbpn-tiny-then-flow_x4_vimeo-septuplet.py'))
    shipped = _shipped_upsampler(cfg)
    weights = _weights_at_first_test_step(cfg, tmp_path)
    assert weights.keys() == shipped.keys()
    assert all(torch.equal(weights[k], v) for k, v in shipped.items())


def test_a_checkpoint_given_to_a_stock_runner_is_not_overwritten(tmp_path):
    """``load_from`` (MMagic's ``tools/test.py CONFIG CHECKPOINT``) wins over the config's
    weight files: e.g. a fine-tuned default model tested with the cascade's config."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'cascades',
                                   'dbpn-tiny-then-flow_x4_vimeo-septuplet.py'))
    tuned = {f'generator.upsample.{k}': v + 1 for k, v in _shipped_upsampler(cfg).items()}
    checkpoint = tmp_path / 'tuned.pth'
    torch.save(dict(state_dict=tuned), checkpoint)
    weights = _weights_at_first_test_step(cfg, tmp_path / 'work', load_from=str(checkpoint))
    assert all(torch.equal(weights[k[len('generator.upsample.'):]], v) for k, v in tuned.items())
