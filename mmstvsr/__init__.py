"""mmstvsr: space-time video super-resolution components for MMagic.

Importing the package registers its models, datasets, transforms, metrics and hooks in MMagic's
registries (``mmagic.registry``), and lets MMEngine load its own checkpoints under torch's
``weights_only`` default (see :mod:`mmstvsr.utils.checkpoint`).
"""
import os

os.environ.setdefault('NO_ALBUMENTATIONS_UPDATE', '1')  # mmagic imports albumentations: no network

from .utils import allow_mmengine_checkpoints  # noqa: E402
from .version import __version__  # noqa: E402

allow_mmengine_checkpoints()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
