from .base_stvsr_model import BaseSTVSRModel

__all__ = ['BaseSTVSRModel']
