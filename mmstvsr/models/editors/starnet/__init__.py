from .pyramid_module import PyramidModule
from .starnet import STARnet
from .starnet_net import (FlowRefinement, HRTemporalSR, STARnetLROutputNet, STARnetNet,
                          STARnetWithDBPNNet, STARnetWithoutFlowNet, STARnetWithoutHRTemporalSRNet,
                          STARnetWithoutLRTemporalSRNet, STARnetWithoutStage2Net,
                          STARnetWithoutTemporalSRNet)

__all__ = [
    'PyramidModule', 'FlowRefinement', 'HRTemporalSR', 'STARnet', 'STARnetNet',
    'STARnetWithoutTemporalSRNet', 'STARnetWithoutLRTemporalSRNet',
    'STARnetWithoutHRTemporalSRNet', 'STARnetWithDBPNNet', 'STARnetWithoutFlowNet',
    'STARnetWithoutStage2Net', 'STARnetLROutputNet'
]
