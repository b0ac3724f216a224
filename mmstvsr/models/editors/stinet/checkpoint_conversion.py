"""Convert the STINet authors' released checkpoint layout to :class:`STINetNet`'s.

The authors save ``model.state_dict()`` of their ``Net`` wrapped in ``DataParallel`` (keys start
with ``module.``). Their modules map to ours as follows (``k`` counts from 1):

=============================================  ===============================================
authors (``net_STINet.py``)                    mmstvsr :class:`STINetNet`
=============================================  ===============================================
``DBPN.*``                                     ``initializer.*`` (:func:`convert_dbpn_state_dict`)
``motion_down.0.*`` / ``motion_down.1.*``      ``lr_from_hr.0.*`` / ``lr_from_hr.1.*``
``motion_feat.*``                              ``stfi.motion.body.0.*``
``motion.{0,1,2}.*``                           ``stfi.motion.body.{1,2,3}.*``
``interp_l.{0,1}.*``                           ``stfi.lr_branch.{0,1}.*``
``interp_l.{2..6}.*`` (shared blocks)          ``stfi.lr_branch.2.{0..4}.*``
``interp_l.{7,8}.*``                           ``stfi.lr_branch.{3,4}.*``
``interp_h.0.*``                               ``stfi.hr_branch.0.*``
``interp_h.{1..5}.*`` (shared blocks)          ``stfi.hr_branch.1.{0..4}.*``
``interp_h.{6,7}.*``                           ``stfi.hr_branch.{2,3}.*``
``layersAtBOffset.*`` / ``layersCtBOffset.*``  ``stlr.0.offset_prev.body.*`` / ``offset_next``
``offsetdown.*``                               ``stlr.0.offset_down.*``
``conv11AtB`` / ``l_conv11AtB`` / ``h_...``    ``stlr.0.inet.fuse`` / ``refine_lr`` / ``refine_hr``
``layersAtB.*`` / ``layersCtB.*`` (DCN)        ``stlr.0.align_prev.*`` / ``stlr.0.align_next.*``
``...conv_offset_mask.*``                      ``...conv_offset.*``
``h_down.*`` / ``h_up.*``                      ``stlr.0.hr_down.*`` / ``stlr.0.hr_up.*``
``layersFusion.*``                             ``stlr.0.fusion.*``
``reconstruction_l.*`` / ``reconstruction_h``  ``lr_rgb_head.*`` / ``hr_rgb_head.*``
``h_down_gcn.*``                               ``stgr.hr_down.*``
``SAG{k}.fc_neigh.weight``, ``SAG{k}.bias``    ``stgr.sage_layers.{k-1}.fc_neigh.weight``, ``.bias``
``SAG{k}.fc_neigh.bias`` (older DGL)           ``stgr.sage_layers.{k-1}.bias``
``upconv1`` / ``upconv2`` / ``HRconv``         ``reconstruction.lr_head.0`` / ``.3`` / ``.6``
``conv_last``                                  ``reconstruction.lr_head.8``
``h_blending.*``                               ``reconstruction.hr_head.*``
=============================================  ===============================================

Their ``interp_l`` and ``interp_h`` hold the same shared block objects, so both key sets are in
their state dict, as in ours. DGL's ``SAGEConv`` kept its bias inside ``fc_neigh`` in
older releases and as its own ``bias`` since; with the ``gcn`` aggregator both compute
``W (sum_u x_u + x_v) / (deg + 1) + b``, so either layout converts to the same network.
"""
from typing import Dict

import torch

from mmstvsr.models.archs.dense_dbpn import convert_dbpn_state_dict
from mmstvsr.utils.checkpoint import rename_key

_RULES = [
    (r'motion_down\.', 'lr_from_hr.'),
    (r'motion_feat\.', 'stfi.motion.body.0.'),
    (r'motion\.(\d)\.', lambda m: f'stfi.motion.body.{int(m.group(1)) + 1}.'),
    (r'interp_l\.([01])\.', r'stfi.lr_branch.\1.'),
    (r'interp_l\.([2-6])\.', lambda m: f'stfi.lr_branch.2.{int(m.group(1)) - 2}.'),
    (r'interp_l\.([78])\.', lambda m: f'stfi.lr_branch.{int(m.group(1)) - 4}.'),
    (r'interp_h\.0\.', 'stfi.hr_branch.0.'),
    (r'interp_h\.([1-5])\.', lambda m: f'stfi.hr_branch.1.{int(m.group(1)) - 1}.'),
    (r'interp_h\.([67])\.', lambda m: f'stfi.hr_branch.{int(m.group(1)) - 4}.'),
    (r'layersAtBOffset\.', 'stlr.0.offset_prev.body.'),
    (r'layersCtBOffset\.', 'stlr.0.offset_next.body.'),
    (r'offsetdown\.', 'stlr.0.offset_down.'),
    (r'conv11AtB\.', 'stlr.0.inet.fuse.'),
    (r'l_conv11AtB\.', 'stlr.0.inet.refine_lr.'),
    (r'h_conv11AtB\.', 'stlr.0.inet.refine_hr.'),
    (r'layersAtB\.(conv_offset_mask\.)?', lambda m: 'stlr.0.align_prev.' +
     ('conv_offset.' if m.group(1) else '')),
    (r'layersCtB\.(conv_offset_mask\.)?', lambda m: 'stlr.0.align_next.' +
     ('conv_offset.' if m.group(1) else '')),
    (r'h_down\.', 'stlr.0.hr_down.'),
    (r'h_up\.', 'stlr.0.hr_up.'),
    (r'layersFusion\.', 'stlr.0.fusion.'),
    (r'reconstruction_l\.', 'lr_rgb_head.'),
    (r'reconstruction_h\.', 'hr_rgb_head.'),
    (r'h_down_gcn\.', 'stgr.hr_down.'),
    (r'SAG(\d)\.fc_neigh\.bias$', lambda m: f'stgr.sage_layers.{int(m.group(1)) - 1}.bias'),
    (r'SAG(\d)\.', lambda m: f'stgr.sage_layers.{int(m.group(1)) - 1}.'),
    (r'upconv1\.', 'reconstruction.lr_head.0.'),
    (r'upconv2\.', 'reconstruction.lr_head.3.'),
    (r'HRconv\.', 'reconstruction.lr_head.6.'),
    (r'conv_last\.', 'reconstruction.lr_head.8.'),
    (r'h_blending\.', 'reconstruction.hr_head.'),
]


def convert_stinet_state_dict(state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename an authors' STINet state dict to :class:`STINetNet` keys (see the module table).

    Args:
        state_dict (dict): The authors' state dict (``module.`` prefixes allowed).

    Returns:
        dict: The same tensors under our keys.

    Raises:
        KeyError: A key that belongs to no known module.
    """
    converted, dbpn = {}, {}
    for key, value in state_dict.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        if key.startswith('DBPN.'):
            dbpn[key[len('DBPN.'):]] = value
            continue
        converted[rename_key(key, _RULES, 'STINet')] = value
    converted.update({f'initializer.{k}': v for k, v in convert_dbpn_state_dict(dbpn).items()})
    return converted
