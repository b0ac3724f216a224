from .save_frames_hook import SaveFramesHook

__all__ = ['SaveFramesHook']
