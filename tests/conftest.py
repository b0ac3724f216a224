import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DATA = osp.join(ROOT, 'tests', 'data')
VIMEO = osp.join(DATA, 'vimeo_septuplet')


@pytest.fixture
def vimeo_root():
    """Real Vimeo-90K septuplets in the dataset's own layout (see tests/data/vimeo_septuplet)."""
    return VIMEO


@pytest.fixture(autouse=True)
def mmagic_scope():
    """Build registry objects in MMagic's scope, as a Runner with default_scope='mmagic' does."""
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')


@pytest.fixture(scope='session')
def readme_rows():
    """``readme_rows(label)``: the numbers of each README table row that starts with ``label``.

    Tests compare what the code gives with these, so that a number in the README is one that a
    command reproduces (the README rounds dB to 0.01 and SSIM to 1e-4).
    """
    import re
    with open(osp.join(ROOT, 'README.md'), encoding='utf-8') as f:
        rows = [line for line in f if line.startswith('|')]

    def numbers(label):
        found = [r for r in rows if r.split('|')[1].strip().strip('*').startswith(label)]
        assert found, f'no README table row starts with {label!r}'
        return [[float(m) for cell in r.split('|')[2:] for m in re.findall(r'\d+\.\d+', cell)]
                for r in found]

    return numbers
