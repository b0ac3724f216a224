from .stfi import STFI, MotionNet, adapt_flows
from .stgr import STGR, BaseSTGR, GraphSAGELayer, OfficialSTGR
from .stinet import STINet
from .stinet_net import STINetNet, STINetReconstruction
from .stlr import (STLR, BaseSTLR, HROffsetsSTLR, Inet, LROffsetsSTLR, OffsetPredictor,
                   STLRWithoutInet)

__all__ = [
    'STFI', 'MotionNet', 'adapt_flows', 'BaseSTGR', 'STGR', 'OfficialSTGR', 'GraphSAGELayer',
    'STINet', 'STINetNet', 'STINetReconstruction', 'BaseSTLR', 'STLR', 'STLRWithoutInet',
    'LROffsetsSTLR', 'HROffsetsSTLR', 'Inet', 'OffsetPredictor'
]
