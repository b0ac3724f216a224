"""Convert the DSFN authors' checkpoint layouts to :class:`DualStreamFusionNet`'s.

The authors' code (TMYuan/Dual-Stream-Fusion-Network) saves three kinds of files, all plain state
dicts (``module.`` prefixes, from ``DataParallel``, are accepted in each):

- the whole model ``STSR`` (``train.py``'s ``utils.save_model``, e.g. the released
  ``STSR_best.pth``, which ``test_model.py --stsr_weight`` loads): keys under ``sr_model.``
  (ESPCN), ``it_model.`` (Super SloMo), ``merge_model.`` (fusion U-Net) and ``refine_model.``;
- ESPCN alone (``ESPCN.pth``, ``--sr_weight``), the keys of ``sr_model.`` without the prefix;
- Super SloMo alone (``SuperSloMo.pth``, ``--it_weight``), the keys of ``it_model.`` without it.

``test_model.py`` with both ``--sr_weight`` and ``--it_weight`` replaces the whole model's M_S and
M_T by those files, as :func:`convert_dsfn_state_dict` of each, merged, does. Their Super SloMo
holds a VGG16 (``vgg.*``) that serves only its perceptual training loss; it is dropped. Modules
map to ours as follows (``n``, ``m`` count from 1; a U-Net is ``flow_comp``, ``arb_interp`` or
``merge_model``, ours ``flow_net``, ``interp_net`` or ``fusion.unet``):

===============================================  ===============================================
authors                                          mmstvsr :class:`DualStreamFusionNet`
===============================================  ===============================================
``sr_model.conv{n}`` (n = 1..4)                  ``spatial.backbone.body.{2 (n - 1)}``
``it_model.flow_comp.*``                         ``temporal.backbone.flow_net.*``
``it_model.arb_interp.*``                        ``temporal.backbone.interp_net.*``
``it_model.vgg.*``                               dropped (training loss only)
``merge_model.*``                                ``fusion.unet.*``
U-Net ``conv1`` / ``conv2``                      U-Net ``stem.0`` / ``stem.1``
U-Net ``down{n}.conv{m}``                        U-Net ``downs.{n-1}.{m-1}``
U-Net ``up{n}.conv{m}``                          U-Net ``ups.{n-1}.{m-1}``
U-Net ``conv3``                                  U-Net ``out_conv``
``refine_model.block1.0``                        ``refinement.body.0``
``refine_model.block{n}.conv{m}`` (n = 2..4)     ``refinement.body.{n}.conv{m}``
``refine_model.block5.0``                        ``refinement.body.5``
===============================================  ===============================================
"""
import re
from typing import Dict, Optional

import torch

from mmstvsr.utils.checkpoint import rename_key

#: ``part`` of :func:`convert_dsfn_state_dict` -> the authors' prefix of that part in ``STSR``
PARTS = {'stsr': '', 'sr': 'sr_model.', 'it': 'it_model.'}
_DROPPED = 'it_model.vgg.'
_UNETS = {
    r'it_model\.flow_comp\.': 'temporal.backbone.flow_net.',
    r'it_model\.arb_interp\.': 'temporal.backbone.interp_net.',
    r'merge_model\.': 'fusion.unet.',
}
_RULES = [(r'sr_model\.conv([1-4])\.', lambda m: f'spatial.backbone.body.{2 * (int(m[1]) - 1)}.')]
for _authors, _ours in _UNETS.items():
    _RULES += [
        (_authors + r'conv([12])\.', lambda m, o=_ours: f'{o}stem.{int(m[1]) - 1}.'),
        (_authors + r'(down|up)([1-9])\.conv([12])\.',
         lambda m, o=_ours: f'{o}{m[1]}s.{int(m[2]) - 1}.{int(m[3]) - 1}.'),
        (_authors + r'conv3\.', _ours + 'out_conv.'),
    ]
_RULES += [
    (r'refine_model\.block1\.0\.', 'refinement.body.0.'),
    (r'refine_model\.block([2-4])\.(conv[12])\.', r'refinement.body.\1.\2.'),
    (r'refine_model\.block5\.0\.', 'refinement.body.5.'),
]
_ESPCN_KEY = re.compile(r'conv[1-4]\.(weight|bias)$')


def detect_dsfn_part(state_dict: Dict[str, torch.Tensor]) -> str:
    """Which authors' file a state dict is: ``'stsr'``, ``'sr'`` (ESPCN) or ``'it'`` (Super SloMo).

    Raises:
        KeyError: The keys are none of the three layouts.
    """
    keys = [k[len('module.'):] if k.startswith('module.') else k for k in state_dict]
    if any(k.startswith(('sr_model.', 'it_model.', 'merge_model.', 'refine_model.')) for k in keys):
        return 'stsr'
    if keys and all(_ESPCN_KEY.match(k) for k in keys):
        return 'sr'
    if any(k.startswith(('flow_comp.', 'arb_interp.')) for k in keys):
        return 'it'
    raise KeyError(f'no key of the DSFN STSR, ESPCN or Super SloMo layouts, e.g. {keys[:3]}')


def convert_dsfn_state_dict(state_dict: Dict[str, torch.Tensor],
                            part: Optional[str] = None) -> Dict[str, torch.Tensor]:
    """Rename an authors' DSFN state dict to :class:`DualStreamFusionNet` keys (module table).

    Args:
        state_dict (dict): The authors' state dict (``module.`` prefixes allowed).
        part (str, optional): ``'stsr'`` (the whole model), ``'sr'`` (ESPCN alone) or ``'it'``
            (Super SloMo alone); None detects it (:func:`detect_dsfn_part`). Default: None.

    Returns:
        dict: The same tensors (but Super SloMo's VGG16) under our keys.

    Raises:
        KeyError: A key that belongs to no known module, or no key of the layout.
    """
    if part is None:
        part = detect_dsfn_part(state_dict)
    if part not in PARTS:
        raise ValueError(f'part must be one of {tuple(PARTS)} or None, got {part!r}')
    converted = {}
    for key, value in state_dict.items():
        key = PARTS[part] + (key[len('module.'):] if key.startswith('module.') else key)
        if key.startswith(_DROPPED):
            continue
        converted[rename_key(key, _RULES, 'DSFN')] = value
    if not converted:
        raise KeyError('no weights of DualStreamFusionNet in the checkpoint')
    return converted
