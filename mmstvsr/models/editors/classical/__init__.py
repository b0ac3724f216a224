from .classical_stvsr_net import BicubicAverageNet, BicubicFlowNet

__all__ = ['BicubicAverageNet', 'BicubicFlowNet']
