"""mmstvsr: space-time video super-resolution components for MMagic.

Importing the package registers its models, datasets, transforms, metrics and hooks in MMagic's
registries (``mmagic.registry``), and lets MMEngine load its own checkpoints under torch's
``weights_only`` default (see :mod:`mmstvsr.utils.checkpoint`).
"""
from .utils import allow_mmengine_checkpoints
from .version import __version__

allow_mmengine_checkpoints()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
