"""Evaluation components of mmstvsr."""
from .metrics import STVSRMetric

__all__ = ['STVSRMetric']
