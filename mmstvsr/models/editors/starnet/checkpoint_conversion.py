"""Convert the STARnet authors' checkpoint layout to :class:`STARnetNet`'s.

The authors save ``state_dict()`` of ``DataParallel`` models (keys start with ``module.``):
``FBPNSR_RBPN_V4_REF`` (with flow refinement) holds the network under ``model.`` and the U-Net
under ``flow_net.``; ``FBPNSR_RBPN_V1..V4`` (without it) hold the network's keys directly. Their
modules map to ours as follows (``n``, ``k`` count from 1):

============================================  ===================================================
authors                                       mmstvsr :class:`STARnetNet`
============================================  ===================================================
``RBPN.feat0`` / ``RBPN.feat1``               ``spatial_sr.target_feat`` / ``spatial_sr.pair_feat``
``RBPN.DBPN.feat1`` / ``RBPN.DBPN.output``    ``spatial_sr.dbpns.squeeze`` / ``...dbpns.fusion``
``RBPN.DBPN.up{n}.up_conv{1,2,3}``            ``spatial_sr.dbpns.up_projections.{n-1}.{scale_up,
                                              scale_down,residual_up}``
``RBPN.DBPN.down{n}.down_conv{1,2,3}``        ``spatial_sr.dbpns.down_projections.{n-1}.{scale_down,
                                              scale_up,residual_down}``
``RBPN.res_feat{1,2,3}`` / ``RBPN.output``    ``spatial_sr.{multi_image,residual,down}`` /
                                              ``spatial_sr.conv_rgb``
``motion_feat`` / ``motion``                  ``motion_encoder.0`` / ``motion_encoder.1``
``motion_down`` / ``warp{n}`` (V1)            ``hr_to_lr`` / ``input_hr_to_lr.{n-1}``
``interp_block``                              ``space_time_sr``
``motion_up_f`` / ``motion_up_b``             ``forward_refiner`` / ``backward_refiner``
``t_net_lr``                                  ``lr_temporal_sr``
``t_net_hr.{0,2}``                            ``hr_temporal_sr.layers.{0,2}``
``t_net_hr.1.l{s}_{k}``                       ``hr_temporal_sr.layers.1.blocks.{s-1}.{k-1}``
``t_net_hr.1.{down,up}{n}`` / ``.final``      ``hr_temporal_sr.layers.1.{downs,ups}.{n-1}`` /
                                              ``.final``
``reconstruction_l`` / ``reconstruction_h``   ``lr_rgb_head`` / ``hr_rgb_head``
``flow_net.inc.conv.conv``                    ``flow_refinement.unet.inc``
``flow_net.down{n}.mpconv.1.conv``            ``flow_refinement.unet.downs.{n-1}``
``flow_net.up{n}.conv.conv``                  ``flow_refinement.unet.ups.{n-1}``
``flow_net.outc.conv``                        ``flow_refinement.unet.out_conv``
============================================  ===================================================

The authors' V1..V3 networks are :class:`STARnetWithoutTemporalSRNet`,
:class:`STARnetWithoutLRTemporalSRNet` and :class:`STARnetWithoutHRTemporalSRNet`, with the same
keys (those of the parts they have).
"""
from typing import Dict

import torch

from mmstvsr.utils.checkpoint import rename_key

_UP = ('scale_up', 'scale_down', 'residual_up')
_DOWN = ('scale_down', 'scale_up', 'residual_down')
_RULES = [
    (r'model\.RBPN\.feat0\.', 'spatial_sr.target_feat.'),
    (r'model\.RBPN\.feat1\.', 'spatial_sr.pair_feat.'),
    (r'model\.RBPN\.DBPN\.feat1\.', 'spatial_sr.dbpns.squeeze.'),
    (r'model\.RBPN\.DBPN\.output\.', 'spatial_sr.dbpns.fusion.'),
    (r'model\.RBPN\.DBPN\.up(\d)\.up_conv([123])\.',
     lambda m: f'spatial_sr.dbpns.up_projections.{int(m[1]) - 1}.{_UP[int(m[2]) - 1]}.'),
    (r'model\.RBPN\.DBPN\.down(\d)\.down_conv([123])\.',
     lambda m: f'spatial_sr.dbpns.down_projections.{int(m[1]) - 1}.{_DOWN[int(m[2]) - 1]}.'),
    (r'model\.RBPN\.res_feat1\.', 'spatial_sr.multi_image.'),
    (r'model\.RBPN\.res_feat2\.', 'spatial_sr.residual.'),
    (r'model\.RBPN\.res_feat3\.', 'spatial_sr.down.'),
    (r'model\.RBPN\.output\.', 'spatial_sr.conv_rgb.'),
    (r'model\.motion_feat\.', 'motion_encoder.0.'),
    (r'model\.motion\.', 'motion_encoder.1.'),
    (r'model\.motion_down\.', 'hr_to_lr.'),
    (r'model\.warp([12])\.', lambda m: f'input_hr_to_lr.{int(m[1]) - 1}.'),
    (r'model\.interp_block\.', 'space_time_sr.'),
    (r'model\.motion_up_f\.', 'forward_refiner.'),
    (r'model\.motion_up_b\.', 'backward_refiner.'),
    (r'model\.t_net_lr\.', 'lr_temporal_sr.'),
    (r'model\.t_net_hr\.([02])\.', r'hr_temporal_sr.layers.\1.'),
    (r'model\.t_net_hr\.1\.l([123])_(\d)\.',
     lambda m: f'hr_temporal_sr.layers.1.blocks.{int(m[1]) - 1}.{int(m[2]) - 1}.'),
    (r'model\.t_net_hr\.1\.(down|up)([12])\.',
     lambda m: f'hr_temporal_sr.layers.1.{m[1]}s.{int(m[2]) - 1}.'),
    (r'model\.t_net_hr\.1\.final\.', 'hr_temporal_sr.layers.1.final.'),
    (r'model\.reconstruction_l\.', 'lr_rgb_head.'),
    (r'model\.reconstruction_h\.', 'hr_rgb_head.'),
    (r'flow_net\.inc\.conv\.conv\.', 'flow_refinement.unet.inc.'),
    (r'flow_net\.down(\d)\.mpconv\.1\.conv\.',
     lambda m: f'flow_refinement.unet.downs.{int(m[1]) - 1}.'),
    (r'flow_net\.up(\d)\.conv\.conv\.', lambda m: f'flow_refinement.unet.ups.{int(m[1]) - 1}.'),
    (r'flow_net\.outc\.conv\.', 'flow_refinement.unet.out_conv.'),
]


def convert_starnet_state_dict(state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename an authors' STARnet state dict to :class:`STARnetNet` keys (see the module table).

    Args:
        state_dict (dict): The authors' state dict, with or without flow refinement
            (``module.`` prefixes allowed).

    Returns:
        dict: The same tensors under our keys.

    Raises:
        KeyError: A key that belongs to no known module.
    """
    converted = {}
    for key, value in state_dict.items():
        name = key[len('module.'):] if key.startswith('module.') else key
        if not name.startswith(('model.', 'flow_net.')):
            name = 'model.' + name  # the networks saved without the FR wrapper
        try:
            converted[rename_key(name, _RULES, 'STARnet')] = value
        except KeyError:
            raise KeyError(f'unknown key in the STARnet checkpoint: {key!r} (the authors\' '
                           'FBPNSR_RBPN_V1..V4 or *_REF state dicts are converted)') from None
    return converted
