from .classical import BicubicAverageNet, BicubicFlowNet
from .residual_stvsr import ResidualSTVSRNet

__all__ = ['BicubicAverageNet', 'BicubicFlowNet', 'ResidualSTVSRNet']
