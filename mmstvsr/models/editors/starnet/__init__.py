from .pyramid_module import PyramidModule
from .starnet import STARnet
from .starnet_net import FlowRefinement, STARnetNet

__all__ = ['PyramidModule', 'FlowRefinement', 'STARnet', 'STARnetNet']
