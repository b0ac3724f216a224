from .non_finite_guard_hook import NonFiniteGuardHook, NonFiniteTrainingError
from .save_frames_hook import SaveFramesHook

__all__ = ['NonFiniteGuardHook', 'NonFiniteTrainingError', 'SaveFramesHook']
