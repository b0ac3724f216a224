from .dsfn import DSFN
from .dsfn_net import DualStreamFusionNet, SpaceTimeCascadeNet
from .espcn_net import ESPCNNet
from .fusion import FusionModule
from .refinement import RefinementModule
from .superslomo_net import SuperSloMoNet
from .upsamplers import SpatialUpsampler, TemporalUpsampler

__all__ = [
    'DSFN', 'DualStreamFusionNet', 'SpaceTimeCascadeNet', 'ESPCNNet', 'FusionModule',
    'RefinementModule', 'SuperSloMoNet', 'SpatialUpsampler', 'TemporalUpsampler'
]
