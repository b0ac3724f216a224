"""tools/setup.sh: syntax, and which mmcv build and wheel cache it picks (``--mmcv-build``).

A fake ``nvcc`` and ``nvidia-smi`` on PATH stand in for a CUDA machine; nothing is installed.
"""
import os
import os.path as osp
import re
import shutil
import subprocess

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'setup.sh')
SYSTEM_PATH = '/usr/bin:/bin'
NVCC = '#!/bin/sh\necho "Cuda compilation tools, release 13.0, V13.0.88"\n'
NVIDIA_SMI = '#!/bin/sh\necho 9.0\n'


def _torch_version():
    with open(osp.join(ROOT, 'requirements', 'constraints.txt')) as f:
        return re.search(r'^torch==(\S+)$', f.read(), re.M).group(1)


def _fake_bin(tmp_path, **tools):
    folder = tmp_path / 'bin'
    folder.mkdir()
    for name, text in tools.items():
        (folder / name.replace('_', '-')).write_text(text)
        (folder / name.replace('_', '-')).chmod(0o755)
    return str(folder)


def _run(tmp_path, folder, **env):
    env = dict(os.environ, PATH=f'{folder}:{SYSTEM_PATH}', MMSTVSR_CACHE=str(tmp_path / 'cache'),
               **env)
    for name in ('FORCE_CUDA', 'TORCH_CUDA_ARCH_LIST'):
        if name not in env or env[name] is None:
            env.pop(name, None)
    return subprocess.run(['bash', SCRIPT, '--mmcv-build'], env=env, capture_output=True,
                          text=True, timeout=60)


def _wheels(tmp_path, suffix=''):
    return f"{tmp_path / 'cache'}/wheels/torch-{_torch_version()}{suffix}"


def test_syntax():
    subprocess.run(['bash', '-n', SCRIPT], check=True)


@pytest.mark.skipif(shutil.which('nvcc', path=SYSTEM_PATH) is not None, reason='nvcc in /usr/bin')
def test_cpu_without_nvcc(tmp_path):
    done = _run(tmp_path, _fake_bin(tmp_path), FORCE_CUDA=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f'mmcv build: cpu; FORCE_CUDA=0 CUDA_VISIBLE_DEVICES=; wheel cache: '
                           f'{_wheels(tmp_path)}\n')


@pytest.mark.parametrize('force', [None, '0'])
def test_cpu_with_nvcc_but_no_gpu_or_forced(tmp_path, force):
    tools = dict(nvcc=NVCC) if force is None else dict(nvcc=NVCC, nvidia_smi=NVIDIA_SMI)
    done = _run(tmp_path, _fake_bin(tmp_path, **tools), FORCE_CUDA=force,
                TORCH_CUDA_ARCH_LIST=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('mmcv build: cpu;')
    assert done.stdout.endswith(f'wheel cache: {_wheels(tmp_path)}\n')


def test_cuda_with_nvcc_and_gpu(tmp_path):
    done = _run(tmp_path, _fake_bin(tmp_path, nvcc=NVCC, nvidia_smi=NVIDIA_SMI),
                FORCE_CUDA=None, TORCH_CUDA_ARCH_LIST=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ('mmcv build: cuda 13.0 9.0; FORCE_CUDA=1 TORCH_CUDA_ARCH_LIST=9.0; '
                           f"wheel cache: {_wheels(tmp_path, '-cuda13.0-sm90')}\n")


def test_forced_cuda_without_gpu(tmp_path):
    folder = _fake_bin(tmp_path, nvcc=NVCC)
    done = _run(tmp_path, folder, FORCE_CUDA='1', TORCH_CUDA_ARCH_LIST='8.0;9.0+PTX')
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(f"{_wheels(tmp_path, '-cuda13.0-sm80_90PTX')}\n")
    done = _run(tmp_path, folder, FORCE_CUDA='1', TORCH_CUDA_ARCH_LIST=None)
    assert done.returncode == 1 and done.stdout == ''
    assert done.stderr == ('[setup] ERROR: FORCE_CUDA=1 without a visible GPU needs '
                           'TORCH_CUDA_ARCH_LIST, e.g. 9.0\n')


def test_unknown_argument(tmp_path):
    env = dict(os.environ, MMSTVSR_CACHE=str(tmp_path / 'cache'), FORCE_CUDA='0')
    done = subprocess.run(['bash', SCRIPT, '--bogus'], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and 'unknown argument' in done.stderr
    assert not (tmp_path / 'cache').exists()
