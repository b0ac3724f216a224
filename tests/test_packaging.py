"""Packaging and model zoo: model-index.yml and the metafiles name configs that exist and load,
the version agrees with CHANGELOG.md, an editable install links ``mmstvsr/.mim`` to the
repository, and the wheel carries configs/, tools/, model-index.yml and the default weights in
``mmstvsr/.mim``, from which the default model resolves and loads in another working directory.
"""
import glob
import importlib.util
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml
from mmengine.config import Config

import mmstvsr
from mmstvsr.apis import default_model

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MIM_FILES = ('configs', 'tools', 'model-index.yml', 'checkpoints')


def load_setup():
    """setup.py as a module (its ``setup()`` call runs only as ``__main__``)."""
    spec = importlib.util.spec_from_file_location('mmstvsr_setup', osp.join(ROOT, 'setup.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_yaml(path):
    with open(osp.join(ROOT, path)) as f:
        return yaml.safe_load(f)


def metafiles():
    return read_yaml('model-index.yml')['Import']


def test_model_index_imports_one_metafile_per_method_folder():
    imported = metafiles()
    assert len(imported) == len(set(imported))
    for folder in ('stinet', 'starnet', 'dsfn', 'baselines', 'cascades'):
        assert f'configs/{folder}/metafile.yml' in imported
    for path in imported:
        assert osp.isfile(osp.join(ROOT, path)), path


@pytest.mark.parametrize('metafile', metafiles())
def test_metafile_configs_exist_and_load(metafile):
    meta = read_yaml(metafile)
    collections = {c['Name']: c for c in meta['Collections']}
    for collection in collections.values():
        assert osp.isfile(osp.join(ROOT, collection['README'])), collection['README']
        assert osp.dirname(collection['README']) == osp.dirname(metafile)
    assert meta['Models'], metafile
    for model in meta['Models']:
        assert model['In Collection'] in collections, model['Name']
        config = model['Config']
        assert osp.dirname(config) == osp.dirname(metafile), config
        assert osp.basename(config) == model['Name'] + '.py'
        assert osp.isfile(osp.join(ROOT, config)), f'{metafile}: {config} does not exist'
        cfg = Config.fromfile(osp.join(ROOT, config))
        assert 'model' in cfg, config
        with open(osp.join(ROOT, collections[model['In Collection']]['README'])) as f:
            readme = f.read()
        for result in model.get('Results', []):
            assert result['Task'] and result['Dataset'] and result['Metrics'], model['Name']
            assert result['Dataset'].endswith(('paper)', 'ours)')), result['Dataset']
            for value in result['Metrics'].values():  # the README's tables say the same
                assert str(value) in readme, (model['Name'], value)
        weights = model.get('Weights')
        if weights is not None and '://' not in weights:
            assert osp.isfile(osp.join(ROOT, weights)), weights


def test_model_names_are_unique_across_metafiles():
    names = [m['Name'] for path in metafiles() for m in read_yaml(path)['Models']]
    assert len(names) == len(set(names))


def test_default_model_is_in_the_model_zoo_with_its_weights():
    models = {m['Config']: m for path in metafiles() for m in read_yaml(path)['Models']}
    entry = models[osp.relpath(default_model.DEFAULT_CONFIG, default_model.ROOT)]
    assert osp.join(default_model.ROOT, entry['Weights']) == default_model.DEFAULT_CHECKPOINT


def test_version_agrees_with_changelog_and_setup():
    with open(osp.join(ROOT, 'CHANGELOG.md')) as f:
        releases = re.findall(r'^## v(\S+)', f.read(), flags=re.M)
    assert releases and releases[0] == mmstvsr.__version__
    assert load_setup().get_version() == mmstvsr.__version__


def test_license_is_apache_2():
    with open(osp.join(ROOT, 'LICENSE')) as f:
        text = f.read()
    assert 'Apache License' in text and 'Version 2.0, January 2004' in text
    assert 'END OF TERMS AND CONDITIONS' in text


def test_default_model_from_a_clone_resolves_in_the_repository_from_any_directory(
        tmp_path, monkeypatch):
    assert default_model.ROOT == ROOT
    monkeypatch.chdir(tmp_path)
    cfg, checkpoint = default_model.resolve_model(None, None)
    assert checkpoint is None
    weights = cfg.model.generator.upsampler.init_cfg.checkpoint
    assert weights == osp.join(ROOT, 'checkpoints', 'stinet-tiny-s-sr_x4_bundled.pth')
    assert osp.isfile(weights)


def test_editable_install_links_mim_files_to_the_repository(tmp_path):
    mim = tmp_path / 'mmstvsr' / '.mim'
    load_setup().link_mim_files(str(mim))
    for name in MIM_FILES:
        assert (mim / name).is_symlink(), name
        assert osp.samefile(mim / name, osp.join(ROOT, name))
    installed = osp.join(osp.dirname(mmstvsr.__file__), '.mim')  # made by `pip install -e .`
    if osp.dirname(osp.dirname(osp.abspath(mmstvsr.__file__))) == ROOT and osp.isdir(installed):
        for name in MIM_FILES:
            assert osp.islink(osp.join(installed, name)), name
            assert osp.samefile(osp.join(installed, name), osp.join(ROOT, name))


def copy_source_tree(dst):
    """The files an sdist holds (MANIFEST.in), copied to ``dst``: the wheel is built from this
    copy so that the test neither writes build/ into the clone nor races another build."""
    setup_module = load_setup()
    for name in ('setup.py', 'setup.cfg', 'MANIFEST.in', 'README.md', 'LICENSE', 'CHANGELOG.md',
                 'model-index.yml'):
        shutil.copy(osp.join(ROOT, name), dst)
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc', '.mim')
    for name in ('requirements', 'configs', 'tools', 'mmstvsr'):
        shutil.copytree(osp.join(ROOT, name), osp.join(dst, name), ignore=ignore)
    os.makedirs(osp.join(dst, 'checkpoints'))
    for pattern in setup_module.BUNDLED_CHECKPOINTS:
        for path in glob.glob(osp.join(ROOT, 'checkpoints', pattern)):
            shutil.copy(path, osp.join(dst, 'checkpoints'))


RESOLVE_SCRIPT = """
import json, mmstvsr
from mmagic.registry import MODELS
from mmengine.config import Config
from mmstvsr.apis import default_model as d
cfg, ckpt = d.resolve_model(None, None)
model = MODELS.build(cfg.model)
model.init_weights()  # strict: the bundled DBPN weights must load
as_written = Config.fromfile(d.DEFAULT_CONFIG)  # its relative checkpoints/ path, found in .mim
MODELS.build(as_written.model).init_weights()
print('RESULT', json.dumps(dict(package=mmstvsr.__file__, root=d.ROOT, config=d.DEFAULT_CONFIG,
      checkpoint=d.DEFAULT_CHECKPOINT, init=cfg.model.generator.upsampler.init_cfg.checkpoint,
      ckpt=ckpt)))
"""


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """The wheel built from a copy of the source tree: ``(wheel file, folder it is unpacked
    in)``; that folder first on ``PYTHONPATH`` stands for ``pip install`` of the wheel alone."""
    tmp_path = tmp_path_factory.mktemp('wheel')
    src, dist, site = (tmp_path / d for d in ('src', 'dist', 'site'))
    for folder in (src, site):
        folder.mkdir()
    copy_source_tree(str(src))
    subprocess.run([
        sys.executable, '-m', 'pip', 'wheel', '.', '--no-deps', '--no-build-isolation', '-q',
        '--disable-pip-version-check', '-w', str(dist)
    ], cwd=src, check=True, timeout=300)
    built, = dist.glob('mmstvsr-*.whl')
    with zipfile.ZipFile(built) as zf:
        zf.extractall(site)
    return built, site


def test_wheel_carries_mim_files_and_runs_the_default_model_from_them(wheel, tmp_path):
    wheel, site = wheel
    elsewhere = tmp_path
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    mim = 'mmstvsr/.mim/'
    for required in ('model-index.yml', 'configs/_base_/models/stinet_tiny_s_sr.py',
                     'configs/cascades/dbpn-tiny-then-flow_x4_vimeo-septuplet.py',
                     'tools/inference.py', 'tools/train.py', 'tools/test.py',
                     'checkpoints/stinet-tiny-s-sr_x4_bundled.pth'):
        assert mim + required in names, required
    for path in metafiles():  # the whole model zoo, and every config and tool of the clone
        assert mim + path in names, path
    for path in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True):
        assert mim + osp.relpath(path, ROOT) in names, path
    for path in glob.glob(osp.join(ROOT, 'tools', '**', '*.py'), recursive=True):
        assert mim + osp.relpath(path, ROOT) in names, path
    assert not [n for n in names if '__pycache__' in n or n.startswith('tests/')]
    assert any(n.endswith('.dist-info/licenses/LICENSE') for n in names)

    # the unpacked wheel first on the path, run from a folder that is neither it nor the clone
    env = dict(os.environ, PYTHONPATH=str(site))
    run = subprocess.run([sys.executable, '-c', RESOLVE_SCRIPT], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    line, = [x for x in run.stdout.splitlines() if x.startswith('RESULT ')]
    got = json.loads(line[len('RESULT '):])
    package = site / 'mmstvsr'
    assert got['package'] == str(package / '__init__.py')
    assert got['root'] == str(package / '.mim')
    assert got['config'] == str(
        package / '.mim' / 'configs' / 'cascades' / 'dbpn-tiny-then-flow_x4_vimeo-septuplet.py')
    assert got['checkpoint'] == got['init'] == str(
        package / '.mim' / 'checkpoints' / 'stinet-tiny-s-sr_x4_bundled.pth')
    assert got['ckpt'] is None


def _mim(args, site, cwd):
    """``mim ARGS`` (openmim's command line) with the unpacked wheel first on the path."""
    mim = osp.join(osp.dirname(sys.executable), 'mim')
    return subprocess.run([mim] + args, cwd=cwd, env=dict(os.environ, PYTHONPATH=str(site)),
                          capture_output=True, text=True, timeout=600)


def test_mim_search_lists_the_model_zoo(wheel, tmp_path):
    """``mim search mmstvsr`` reads ``mmstvsr/.mim/model-index.yml`` of the installed package.
    (openmim 0.3.9 looks for it where the distribution is, so an editable install, whose
    distribution is in site-packages and code in the clone, is not found: see the README.)"""
    run = _mim(['search', 'mmstvsr', '--valid-config'], wheel[1], tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    listed = set(re.findall(r"'([^']+)'", run.stdout.split('valid config ids:')[1]))
    expected = {m['Name'] for path in metafiles() for m in read_yaml(path)['Models']}
    assert listed == expected, expected ^ listed


def test_mim_test_runs_a_config_of_the_wheel(wheel, tmp_path):
    """``mim test mmstvsr CONFIG --checkpoint CKPT`` runs the wheel's ``tools/test.py`` on the
    wheel's config (openmim requires a checkpoint: an empty one, as the baseline learns
    nothing), giving the README's baseline figures."""
    import torch
    torch.save(dict(state_dict={}), tmp_path / 'none.pth')
    run = _mim(['test', 'mmstvsr', 'configs/baselines/bicubic-flow_x4_vimeo-septuplet.py',
                '--checkpoint', 'none.pth', '--cfg-options',
                f'test_dataloader.dataset.data_root={ROOT}/tests/data/vimeo_septuplet',
                'test_dataloader.num_workers=0'], wheel[1], tmp_path)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert f'{wheel[1]}/mmstvsr/.mim/tools/test.py' in run.stdout
    assert 'Y-PSNR: 30.2514  Y-SSIM: 0.8205  RGB-PSNR: 28.3201' in run.stdout


def _cascade_from_its_config():
    """The default cascade built from its config file as written (relative weight paths)."""
    from mmagic.registry import MODELS

    from mmstvsr.utils.checkpoint import init_weights_quietly
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'cascades',
                                   'dbpn-tiny-then-flow_x4_vimeo-septuplet.py'))
    assert not osp.isabs(cfg.model.generator.upsampler.init_cfg.checkpoint)
    model = MODELS.build(cfg.model)
    init_weights_quietly(model)
    return model.generator.upsample.state_dict()


def test_config_weight_paths_resolve_from_any_directory(tmp_path, monkeypatch):
    """A config's ``checkpoints/...`` path is found from another working directory (in the
    clone here; in ``.mim`` from a wheel), and a file there of that name comes first."""
    import torch
    shipped = torch.load(osp.join(ROOT, 'checkpoints', 'stinet-tiny-s-sr_x4_bundled.pth'),
                         map_location='cpu', weights_only=False)['state_dict']
    monkeypatch.chdir(tmp_path)
    weights = _cascade_from_its_config()
    assert all(torch.equal(weights[k[len('generator.'):]], v) for k, v in shipped.items()
               if k.startswith('generator.'))

    (tmp_path / 'checkpoints').mkdir()  # the user's own file of that name, where they run
    own = {k: v + 1 for k, v in shipped.items()}
    torch.save(dict(state_dict=own), tmp_path / 'checkpoints' / 'stinet-tiny-s-sr_x4_bundled.pth')
    weights = _cascade_from_its_config()
    assert all(torch.equal(weights[k[len('generator.'):]], v) for k, v in own.items()
               if k.startswith('generator.'))


def test_a_missing_weight_file_is_named_as_the_config_writes_it(tmp_path, monkeypatch):
    from mmstvsr.utils.checkpoint import pretrained_state_dict
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r'^checkpoints/nowhere\.pth not found'):
        pretrained_state_dict('checkpoints/nowhere.pth')
