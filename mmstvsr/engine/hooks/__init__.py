from .clip_strip_hook import ClipStripHook, clip_strip
from .non_finite_guard_hook import NonFiniteGuardHook, NonFiniteTrainingError
from .save_frames_hook import SaveFramesHook

__all__ = [
    'ClipStripHook', 'NonFiniteGuardHook', 'NonFiniteTrainingError', 'SaveFramesHook', 'clip_strip'
]
