"""Losses of the space-time models, registered in ``mmagic.registry.MODELS``.

- :class:`MotionConsistencyLoss`: STINet's MCL (Eq. 2, 3) on flows of a differentiable
  estimator, :class:`HornSchunckFlow` (default, no weights) or :class:`SPyNetFlow`.
- :class:`VGGPerceptualLoss`: VGG19 relu5_4 perceptual loss with weights from a local file.

Reconstruction losses are MMagic's own: ``dict(type='MSELoss')`` (L2, STINet's ``l_rec``),
``dict(type='L1Loss')`` and ``dict(type='CharbonnierLoss')``; they compare tensors elementwise, so
they take ``(B, T, C, H, W)`` clips as they are.
"""
from .flow_estimators import HornSchunckFlow, SPyNetFlow
from .motion_consistency_loss import MotionConsistencyLoss
from .perceptual_loss import VGGPerceptualLoss

__all__ = ['HornSchunckFlow', 'SPyNetFlow', 'MotionConsistencyLoss', 'VGGPerceptualLoss']
