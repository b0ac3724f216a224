"""Metrics of mmstvsr."""
from .stvsr_metric import STVSRMetric

__all__ = ['STVSRMetric']
