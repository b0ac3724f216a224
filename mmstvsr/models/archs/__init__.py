from .bdconvlstm import BDConvLSTM, DeformableConvLSTMCell
from .bicubic_resize import MATLABBicubicResize
from .colour import YCBCR_INVERSES, rgb_to_ycbcr, ycbcr_to_rgb
from .dense_dbpn import DenseDBPN, convert_dbpn_state_dict
from .modulated_dcn import ModulatedDCNPack
from .padding import crop_padding, multiple_padding, pad_to_multiple
from .projection_blocks import (ConvBlock, DeconvBlock, DenseDownProjection, DenseUpProjection,
                                DownProjection, ResBlock, ResidualStack, UpProjection,
                                build_activation, projection_kernel, scale_residual_branches)
from .rbpn import DBPNS, RBPN
from .unet import SuperSloMoUNet, UNet
from .warp import WARP_GRIDS, backward_warp

__all__ = [
    'BDConvLSTM', 'DeformableConvLSTMCell', 'MATLABBicubicResize', 'DenseDBPN',
    'convert_dbpn_state_dict', 'ConvBlock', 'DeconvBlock', 'ResBlock', 'ResidualStack', 'DBPNS',
    'RBPN', 'UNet', 'SuperSloMoUNet', 'pad_to_multiple', 'rgb_to_ycbcr', 'ycbcr_to_rgb',
    'UpProjection', 'DownProjection', 'DenseUpProjection', 'DenseDownProjection',
    'build_activation', 'projection_kernel', 'scale_residual_branches', 'crop_padding',
    'multiple_padding', 'backward_warp', 'WARP_GRIDS', 'YCBCR_INVERSES', 'ModulatedDCNPack'
]
