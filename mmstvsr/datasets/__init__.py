from .transforms import *  # noqa: F401,F403
from .vimeo_septuplet_dataset import VimeoSeptupletDataset

__all__ = ['VimeoSeptupletDataset']
