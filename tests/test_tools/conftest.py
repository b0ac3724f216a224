"""Fixtures of the tool tests: the analysis tools as modules, run from the repository root."""
import importlib.util
import os.path as osp

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_analysis_tool(name: str):
    """``tools/analysis/<name>.py`` as a module (the tools are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, osp.join(ROOT, 'tools', 'analysis',
                                                                 f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def analysis_tool():
    """:func:`load_analysis_tool`, for the tests."""
    return load_analysis_tool


@pytest.fixture
def in_root(monkeypatch):
    """Run from the repository root (relative config paths); restore torch's CPU threads."""
    monkeypatch.chdir(ROOT)
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)
