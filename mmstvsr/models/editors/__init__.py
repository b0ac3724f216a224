from .classical import BicubicAverageNet, BicubicFlowNet
from .dsfn import (DSFN, DualStreamFusionNet, ESPCNNet, FusionModule, RefinementModule,
                   SpaceTimeCascadeNet, SpatialUpsampler, SuperSloMoNet, TemporalUpsampler)
from .residual_stvsr import ResidualSTVSRNet
from .starnet import STARnet, STARnetNet
from .stinet import STINet, STINetNet

__all__ = [
    'BicubicAverageNet', 'BicubicFlowNet', 'DSFN', 'DualStreamFusionNet', 'ESPCNNet',
    'FusionModule', 'RefinementModule', 'SpaceTimeCascadeNet', 'SpatialUpsampler',
    'SuperSloMoNet', 'TemporalUpsampler', 'ResidualSTVSRNet', 'STARnet', 'STARnetNet', 'STINet',
    'STINetNet'
]
