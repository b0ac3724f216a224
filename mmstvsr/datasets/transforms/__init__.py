"""Data transforms of mmstvsr, registered in MMagic's TRANSFORMS registry."""
from .loading import LoadImageFromLMDB
from .matlab_resize import MATLABBicubicDownsample, imresize_matlab
from .optical_flow import FarnebackFlow, InBetweenFlows, PyflowFlow

__all__ = [
    'LoadImageFromLMDB', 'MATLABBicubicDownsample', 'FarnebackFlow', 'InBetweenFlows', 'PyflowFlow',
    'imresize_matlab'
]
