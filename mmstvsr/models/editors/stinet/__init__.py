from .stfi import STFI, MotionNet, adapt_flows
from .stgr import STGR, GraphSAGELayer
from .stinet import STINet
from .stinet_net import STINetNet, STINetReconstruction
from .stlr import STLR, Inet, OffsetPredictor

__all__ = [
    'STFI', 'MotionNet', 'adapt_flows', 'STGR', 'GraphSAGELayer', 'STINet', 'STINetNet',
    'STINetReconstruction', 'STLR', 'Inet', 'OffsetPredictor'
]
