"""Where mmstvsr's configs, tools and bundled weights are, in a clone or in an installed wheel."""
import os.path as osp

#: The package folder, ``mmstvsr/``.
PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: The default model's config, relative to :func:`resource_root`; also the file by which a
#: folder is known to hold the resources.
DEFAULT_CONFIG_PATH = osp.join('configs', 'cascades', 'dbpn-tiny-then-flow_x4_vimeo-septuplet.py')


def resource_root() -> str:
    """The folder that holds ``configs/``, ``tools/`` and ``checkpoints/``: the repository root
    when the package is imported from a clone (``pip install -e .`` or on ``sys.path``), else
    the package's ``.mim`` folder, where a wheel carries them (see setup.py)."""
    repo = osp.dirname(PACKAGE_DIR)
    if osp.isfile(osp.join(repo, DEFAULT_CONFIG_PATH)):
        return repo
    return osp.join(PACKAGE_DIR, '.mim')


def resolve_resource(path: str) -> str:
    """A file path of a config (e.g. ``checkpoints/...`` weights), found from any folder.

    Relative paths in configs are relative to the repository root, where the tools run. A path
    that exists from the working directory, an absolute path or a URL is returned as it is; a
    relative one that does not exist there but under :func:`resource_root` (the clone, or the
    ``.mim`` folder of an installed wheel) is returned there; any other is returned as it is, so
    that the caller's error names it as the config wrote it.

    Args:
        path (str): The path as a config gives it.

    Returns:
        str: The path to open.
    """
    path = str(path)
    if '://' in path or osp.isabs(osp.expanduser(path)) or osp.exists(path):
        return path
    packaged = osp.join(resource_root(), path)
    return packaged if osp.exists(packaged) else path
