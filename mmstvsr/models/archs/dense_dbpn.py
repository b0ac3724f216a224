"""Dense deep back-projection network (D-DBPN), STINet's spatial SR initialiser."""
import re
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmagic.registry import MODELS
from mmengine.model import BaseModule

from mmstvsr.utils.freeze import freeze
from .projection_blocks import (ConvBlock, DenseDownProjection, DenseUpProjection, DownProjection,
                                UpProjection, projection_kernel)

# Authors' top-level layers of `dbpn.Net` and ours.
_AUTHORS_LAYERS = {
    'feat0': 'feat_extraction',
    'feat1': 'feat_reduction',
    'output_conv1': 'fusion',
    'output_conv2': 'conv_rgb',
}
# Authors' projection blocks `up{k}` / `down{k}` (k from 1): our module list and layer names.
_AUTHORS_UNITS = {
    'up': ('up_projections', {
        'conv': 'squeeze',
        'up_conv1': 'scale_up',
        'up_conv2': 'scale_down',
        'up_conv3': 'residual_up',
    }),
    'down': ('down_projections', {
        'conv': 'squeeze',
        'down_conv1': 'scale_down',
        'down_conv2': 'scale_up',
        'down_conv3': 'residual_down',
    }),
}
_AUTHORS_UNIT_KEY = re.compile(r'(up|down)(\d+)\.(\w+)\.(.+)')


def _convert_key(key: str) -> str:
    """Our name of one parameter key of the authors' D-DBPN; other keys are returned as they are."""
    head, _, rest = key.partition('.')
    if head in _AUTHORS_LAYERS:
        return f'{_AUTHORS_LAYERS[head]}.{rest}'
    match = _AUTHORS_UNIT_KEY.fullmatch(key)
    if match is None:
        return key
    kind, index, layer, rest = match.groups()
    units, layers = _AUTHORS_UNITS[kind]
    if layer not in layers:
        return key
    return f'{units}.{int(index) - 1}.{layers[layer]}.{rest}'


def convert_dbpn_state_dict(state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename the keys of the STINet authors' D-DBPN (``dbpn.Net``, e.g. ``s-sr.pth``) to ours.

    A leading ``module.`` (``DataParallel``) is removed from every key. Then, with ``k`` counted
    from 1 as the authors do:

    =======================  ==================================
    authors                  :class:`DenseDBPN`
    =======================  ==================================
    ``feat0.*``              ``feat_extraction.*``
    ``feat1.*``              ``feat_reduction.*``
    ``up{k}.conv.*``         ``up_projections.{k-1}.squeeze.*``
    ``up{k}.up_conv1.*``     ``up_projections.{k-1}.scale_up.*``
    ``up{k}.up_conv2.*``     ``up_projections.{k-1}.scale_down.*``
    ``up{k}.up_conv3.*``     ``up_projections.{k-1}.residual_up.*``
    ``down{k}.conv.*``       ``down_projections.{k-1}.squeeze.*``
    ``down{k}.down_conv1.*`` ``down_projections.{k-1}.scale_down.*``
    ``down{k}.down_conv2.*`` ``down_projections.{k-1}.scale_up.*``
    ``down{k}.down_conv3.*`` ``down_projections.{k-1}.residual_down.*``
    ``output_conv1.*``       ``fusion.*``
    ``output_conv2.*``       ``conv_rgb.*``
    =======================  ==================================

    The rest of a key (``conv.weight``, ``conv.bias``, ``deconv.weight``, ``deconv.bias``,
    ``act.weight``) is the same in both. Keys that are not the authors' (ours, for instance) are
    kept unchanged, so the function also accepts state dicts already in our layout.

    Args:
        state_dict (dict[str, Tensor]): The authors' (or our) state dict.

    Returns:
        dict[str, Tensor]: The state dict with our key names, in the same order.
    """
    return {_convert_key(key.removeprefix('module.')): value for key, value in state_dict.items()}


def _rename_authors_keys(module: nn.Module, state_dict: dict, prefix: str, *args) -> None:
    """Load pre-hook of :class:`DenseDBPN`: the authors' keys under ``prefix`` renamed to ours,
    in place (:func:`convert_dbpn_state_dict`; our keys stay)."""
    for key in [key for key in state_dict if key.startswith(prefix)]:
        ours = prefix + _convert_key(key[len(prefix):])
        if ours != key:
            state_dict[ours] = state_dict.pop(key)


@MODELS.register_module()
class DenseDBPN(BaseModule):
    """Dense deep back-projection network (D-DBPN, Haris et al., CVPR 2018) as STINet uses it.

    STINet's spatial SR initialiser: an LR frame becomes a ``mid_channels`` HR feature. Layers:
    ``feat_extraction`` (3x3 conv, ``in_channels -> mid_channels``) and ``feat_reduction`` (1x1
    conv, ``mid_channels -> base_channels``) give the LR feature; then ``num_stages`` up-projections
    alternate with ``num_stages - 1`` down-projections (PReLU everywhere). The first two
    up-projections and the first down-projection are plain (:class:`UpProjection`,
    :class:`DownProjection`); every later unit is dense (:class:`DenseUpProjection`,
    :class:`DenseDownProjection`) and takes the concatenation of all previous outputs of the
    opposite resolution, newest first. ``fusion`` (3x3 conv, no activation) maps the concatenated
    HR features, newest first, to ``mid_channels``.

    As in the authors' network, ``conv_rgb`` (3x3 conv, ``mid_channels -> in_channels``, no
    activation) exists but the output is the ``fusion`` feature: with the defaults the network has
    7,345,830 parameters, 1,731 of them in ``conv_rgb``, all part of STINet's 11,761,602.
    ``return_rgb=True`` returns ``conv_rgb(feature)`` instead, an RGB image, to train the network
    as a spatial SR model on its own.

    Weights from a file come through OpenMMLab's ``init_cfg``, read when the model is
    initialised (by the Runner, or ``init_weights()``), not when the network is built:
    ``init_cfg=dict(type='Pretrained', checkpoint=PATH)`` for a plain state dict with our key
    names or the authors' (``s-sr.pth``, with or without ``module.``; renamed on loading, see
    :func:`convert_dbpn_state_dict`), with ``prefix='generator.'`` for a checkpoint saved by
    MMEngine's Runner for a model whose ``generator`` is this network (single-image SR pretraining
    with ``return_rgb=True``). ``frozen`` fixes the network (:func:`~mmstvsr.utils.freeze.freeze`:
    no gradient, eval mode), as the authors keep the pretrained initialiser; it has no
    normalisation or dropout, so train and eval mode compute the same.

    Args:
        in_channels (int): Channels of the input image (and of the RGB output). Default: 3.
        base_channels (int): Channels of the back-projection features. Default: 64.
        mid_channels (int): Channels of the first feature and of the output feature. Default: 64.
        num_stages (int): Number of up-projections, at least 2. Default: 5.
        scale (int): Upsampling factor, 2, 4 or 8; the projections use DBPN's kernel size, stride
            and padding 6/2/2, 8/4/2 and 12/8/2. Default: 4.
        return_rgb (bool): Return the image ``conv_rgb(feature)`` instead of the feature.
            Default: False.
        frozen (bool): Fix the network: no gradient to its parameters, eval mode. Default: False.
        init_cfg (dict, optional): MMEngine initialisation config, e.g. the ``Pretrained`` one
            above. Default: None.
    """

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 64,
                 mid_channels: int = 64,
                 num_stages: int = 5,
                 scale: int = 4,
                 return_rgb: bool = False,
                 frozen: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        if num_stages < 2:
            raise ValueError(f'DenseDBPN needs num_stages >= 2, got {num_stages}.')
        kernel = projection_kernel(scale)
        self.return_rgb = return_rgb

        self.feat_extraction = ConvBlock(in_channels, mid_channels, 3, 1, 1)
        self.feat_reduction = ConvBlock(mid_channels, base_channels, 1, 1, 0)
        self.up_projections = nn.ModuleList([UpProjection(base_channels, *kernel)])
        self.down_projections = nn.ModuleList()
        for num_inputs in range(1, num_stages):
            if num_inputs == 1:
                self.down_projections.append(DownProjection(base_channels, *kernel))
                self.up_projections.append(UpProjection(base_channels, *kernel))
            else:
                self.down_projections.append(
                    DenseDownProjection(base_channels, num_inputs, *kernel))
                self.up_projections.append(DenseUpProjection(base_channels, num_inputs, *kernel))
        self.fusion = ConvBlock(num_stages * base_channels, mid_channels, 3, 1, 1, act_type=None)
        self.conv_rgb = ConvBlock(mid_channels, in_channels, 3, 1, 1, act_type=None)

        # the authors' key names (s-sr.pth) load as ours, from any file and at any depth
        self.register_load_state_dict_pre_hook(_rename_authors_keys)
        if frozen:
            freeze(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): LR images ``(N, in_channels, h, w)``.

        Returns:
            Tensor: HR features ``(N, mid_channels, scale*h, scale*w)``, or with ``return_rgb``
            HR images ``(N, in_channels, scale*h, scale*w)``.
        """
        lr_feat = self.feat_reduction(self.feat_extraction(x))
        hr_feats = [self.up_projections[0](lr_feat)]
        lr_feats = []
        for down, up in zip(self.down_projections, self.up_projections[1:]):
            lr_feats.insert(0, down(_cat(hr_feats)))
            hr_feats.insert(0, up(_cat(lr_feats)))
        feat = self.fusion(_cat(hr_feats))
        return self.conv_rgb(feat) if self.return_rgb else feat


def _cat(features: List[torch.Tensor]) -> torch.Tensor:
    """The features ``(B, C_i, H, W)`` concatenated along channels; one is returned as it is (no
    copy: a whole HR feature per forward)."""
    return features[0] if len(features) == 1 else torch.cat(features, dim=1)
