from .classical import BicubicAverageNet, BicubicFlowNet
from .residual_stvsr import ResidualSTVSRNet
from .starnet import STARnet, STARnetNet
from .stinet import STINet, STINetNet

__all__ = [
    'BicubicAverageNet', 'BicubicFlowNet', 'ResidualSTVSRNet', 'STARnet', 'STARnetNet', 'STINet',
    'STINetNet'
]
