from .classical import BicubicAverageNet, BicubicFlowNet
from .residual_stvsr import ResidualSTVSRNet
from .stinet import STINet, STINetNet

__all__ = ['BicubicAverageNet', 'BicubicFlowNet', 'ResidualSTVSRNet', 'STINet', 'STINetNet']
