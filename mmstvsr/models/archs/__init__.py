from .bicubic_upsample import MATLABBicubicUpsample

__all__ = ['MATLABBicubicUpsample']
