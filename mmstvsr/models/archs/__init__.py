from .bdconvlstm import BDConvLSTM, DeformableConvLSTMCell
from .bicubic_resize import MATLABBicubicResize
from .colour import rgb_to_ycbcr, ycbcr_to_rgb
from .dense_dbpn import DenseDBPN, convert_dbpn_state_dict
from .padding import pad_to_multiple
from .projection_blocks import (ConvBlock, DeconvBlock, DenseDownProjection, DenseUpProjection,
                                DownProjection, ResBlock, ResidualStack, UpProjection,
                                build_activation, projection_kernel, scale_residual_branches)
from .rbpn import DBPNS, RBPN
from .unet import SuperSloMoUNet, UNet

__all__ = [
    'BDConvLSTM', 'DeformableConvLSTMCell', 'MATLABBicubicResize', 'DenseDBPN',
    'convert_dbpn_state_dict', 'ConvBlock', 'DeconvBlock', 'ResBlock', 'ResidualStack', 'DBPNS',
    'RBPN', 'UNet', 'SuperSloMoUNet', 'pad_to_multiple', 'rgb_to_ycbcr', 'ycbcr_to_rgb',
    'UpProjection', 'DownProjection', 'DenseUpProjection', 'DenseDownProjection',
    'build_activation', 'projection_kernel', 'scale_residual_branches'
]
