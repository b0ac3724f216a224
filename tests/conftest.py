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
