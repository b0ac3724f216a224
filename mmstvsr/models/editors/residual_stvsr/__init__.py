from .residual_stvsr_net import ResidualSTVSRNet

__all__ = ['ResidualSTVSRNet']
