from .fixed_frames_dataset import FixedFramesDataset
from .frame_errors import CorruptFrameError, frame_problem
from .transforms import *  # noqa: F401,F403
from .video_folder_dataset import IndexCacheWarning, LoadClipFrames, VideoFolderClipsDataset
from .video_frames_dataset import VideoFramesDataset, plan_frame_windows
from .vimeo_septuplet_dataset import VimeoSeptupletDataset
from .vimeo_triplet_dataset import VimeoTripletDataset

__all__ = [
    'CorruptFrameError', 'FixedFramesDataset', 'IndexCacheWarning', 'LoadClipFrames',
    'VideoFolderClipsDataset', 'VideoFramesDataset', 'VimeoSeptupletDataset',
    'VimeoTripletDataset', 'frame_problem', 'plan_frame_windows'
]
