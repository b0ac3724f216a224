"""Data transforms of mmstvsr, registered in MMagic's TRANSFORMS registry."""
from .matlab_resize import MATLABBicubicDownsample, imresize_matlab
from .optical_flow import FarnebackFlow

__all__ = ['MATLABBicubicDownsample', 'FarnebackFlow', 'imresize_matlab']
