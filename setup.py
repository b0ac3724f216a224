"""Install mmstvsr: ``pip install -e .`` (see tools/setup.sh for the full pinned stack).

Like MMagic's ``add_mim_extension()``, the package carries what MIM and the default model need in
``mmstvsr/.mim/``: ``configs/``, ``tools/``, ``model-index.yml`` and the weights shipped in
``checkpoints/`` (``MIM_FILES``, ``BUNDLED_CHECKPOINTS``). An editable install
(``pip install -e .``, ``python setup.py develop``) links them (relative symlinks in the source
tree's ``mmstvsr/.mim``, git-ignored), so the installed package sees the repository's files; a wheel
or ``pip install .`` copies them into the build directory's ``mmstvsr/.mim``. Unlike MMagic, the
copy is never made in the source tree, so building a wheel leaves a develop install's links alone
and a stale copy cannot leak into a later wheel.
"""
import glob
import os
import os.path as osp
import shutil
import sys
import warnings

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

REPO = osp.dirname(osp.abspath(__file__))
#: Folders and files of the repository carried in ``mmstvsr/.mim``.
MIM_FILES = ('configs', 'tools', 'model-index.yml')
#: The weights the default model reads (and their record), carried in ``.mim/checkpoints``; other
#: files a user puts under ``checkpoints/`` (authors' or MMagic's weights) are not packaged.
BUNDLED_CHECKPOINTS = ('README.md', '*_bundled*')
IGNORED = shutil.ignore_patterns('__pycache__', '*.pyc', '*.pyo')


def get_version():
    ns = {}
    with open(osp.join(REPO, 'mmstvsr', 'version.py')) as f:
        exec(f.read(), ns)
    return ns['__version__']


def parse_requirements(fname):
    """Requirement names from a requirements file, comments stripped."""
    path = osp.join(REPO, 'requirements', fname)
    with open(path) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


def _remove(path):
    if osp.islink(path) or osp.isfile(path):
        os.remove(path)
    elif osp.isdir(path):
        shutil.rmtree(path)


def link_mim_files(mim_path=osp.join(REPO, 'mmstvsr', '.mim')):
    """Editable install: link ``mim_path/<name>`` to ``../../<name>`` (and checkpoints/)."""
    os.makedirs(mim_path, exist_ok=True)
    for name in MIM_FILES + ('checkpoints', ):
        src = osp.join(REPO, name)
        dst = osp.join(mim_path, name)
        _remove(dst)
        if not osp.exists(src):
            warnings.warn(f'{src} is missing: not linked into {mim_path}')
            continue
        try:
            os.symlink(osp.relpath(src, mim_path), dst)
        except OSError:  # e.g. Windows without the symlink privilege: copy, as MMagic does
            warnings.warn(f'cannot link {src}: copied to {dst}')
            _copy(src, dst)


def _copy(src, dst):
    if osp.isdir(src):
        shutil.copytree(src, dst, ignore=IGNORED)
    else:
        shutil.copyfile(src, dst)


def copy_mim_files(mim_path):
    """Wheel / sdist build: copy MIM's files and the bundled checkpoints into ``mim_path``."""
    _remove(mim_path)
    os.makedirs(osp.join(mim_path, 'checkpoints'))
    for name in MIM_FILES:
        src = osp.join(REPO, name)
        if not osp.exists(src):
            raise FileNotFoundError(f'{src} is missing: it must be packaged in {mim_path}')
        _copy(src, osp.join(mim_path, name))
    for pattern in BUNDLED_CHECKPOINTS:
        for src in sorted(glob.glob(osp.join(REPO, 'checkpoints', pattern))):
            shutil.copyfile(src, osp.join(mim_path, 'checkpoints', osp.basename(src)))


class BuildPyWithMim(build_py):
    """``build_py`` that also puts ``mmstvsr/.mim`` in place (links in editable mode)."""

    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False):
            link_mim_files()
        else:
            copy_mim_files(osp.join(self.build_lib, 'mmstvsr', '.mim'))


if __name__ == '__main__':
    if 'develop' in sys.argv:
        # the legacy `python setup.py develop` runs no build_py
        link_mim_files()

    setup(
        name='mmstvsr',
        version=get_version(),
        description='Space-time video super-resolution for OpenMMLab MMagic',
        long_description=open(osp.join(REPO, 'README.md'), encoding='utf-8').read()
        if osp.exists(osp.join(REPO, 'README.md')) else '',
        long_description_content_type='text/markdown',
        keywords='space-time video super-resolution, STVSR, MMagic, OpenMMLab',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'tests.*')),
        include_package_data=True,
        python_requires='>=3.8',
        install_requires=parse_requirements('runtime.txt'),
        extras_require={
            'tests': parse_requirements('tests.txt'),
            'mim': parse_requirements('mminstall.txt'),
        },
        classifiers=[
            'Programming Language :: Python :: 3',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
            'Topic :: Scientific/Engineering :: Image Processing',
        ],
        license='Apache License 2.0',
        cmdclass={'build_py': BuildPyWithMim},
        zip_safe=False)
