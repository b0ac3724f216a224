"""Inference on whole videos: ``from mmstvsr.apis import STVSRInferencer``, or with
MMagicInferencer's arguments, ``MMSTVSRInferencer``.

Not imported by ``import mmstvsr``, which stays light.
"""
from .default_model import DEFAULT_CHECKPOINT, DEFAULT_CONFIG, resolve_model
from .mmagic_inferencer import MMSTVSRInferencer
from .stvsr_inferencer import STVSRInferencer
from .video_io import InferenceError, open_source

__all__ = [
    'STVSRInferencer', 'MMSTVSRInferencer', 'InferenceError', 'open_source', 'resolve_model',
    'DEFAULT_CONFIG', 'DEFAULT_CHECKPOINT'
]
