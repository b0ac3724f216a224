from .bdconvlstm import BDConvLSTM, DeformableConvLSTMCell
from .bicubic_resize import MATLABBicubicResize
from .dense_dbpn import DenseDBPN, convert_dbpn_state_dict
from .projection_blocks import (ConvBlock, DeconvBlock, DenseDownProjection, DenseUpProjection,
                                DownProjection, ResBlock, UpProjection, build_activation,
                                projection_kernel)

__all__ = [
    'BDConvLSTM', 'DeformableConvLSTMCell', 'MATLABBicubicResize', 'DenseDBPN',
    'convert_dbpn_state_dict', 'ConvBlock', 'DeconvBlock',
    'ResBlock', 'UpProjection', 'DownProjection', 'DenseUpProjection', 'DenseDownProjection',
    'build_activation', 'projection_kernel'
]
