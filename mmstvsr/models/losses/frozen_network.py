"""Base of the losses built around a frozen pretrained network whose weights are a local file."""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmstvsr.utils.checkpoint import pretrained_state_dict
from mmstvsr.utils.freeze import freeze as freeze_module


class FrozenPretrainedNet(BaseModule):
    """A module around a frozen network whose weights come from the config key ``pretrained``.

    As MMagic's losses name theirs (``PerceptualLoss(pretrained=...)``): a loss's network is no
    part of the model being trained. Pretrained weights cannot be downloaded here, so they are a
    file read by :meth:`init_weights` (which MMEngine's Runner calls before training), never when
    the module is built, through :func:`~mmstvsr.utils.checkpoint.pretrained_state_dict` (a plain
    state dict, or a checkpoint holding one under ``state_dict``). The network is fixed by
    :func:`~mmstvsr.utils.freeze.freeze` (no gradient, always in eval mode); gradients still flow
    to its inputs. Whether weights were loaded is the ``weights_loaded`` buffer, saved in
    checkpoints with the weights, so a restored checkpoint needs no file.

    Subclasses set :attr:`weights_name` and :attr:`config_example` (for error messages), build the
    network, pass it to :meth:`freeze`, and implement :meth:`load_weights`.

    Args:
        pretrained (str, optional): Path of the weights. Default: None (forward raises).
        init_cfg (dict, optional): MMEngine initialisation config, applied before ``pretrained``
            is loaded. Default: None.
    """

    weights_name = 'weights'
    config_example = "pretrained='path/to/weights.pth'"

    def __init__(self, pretrained: Optional[str] = None, init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        self.pretrained = pretrained
        self.register_buffer('weights_loaded', torch.tensor(False))

    def freeze(self, network: nn.Module) -> nn.Module:
        """Fix ``network`` (no gradient, eval mode); returns it."""
        return freeze_module(network)

    def load_weights(self, state_dict: dict) -> None:
        """Load a state dict read from ``pretrained`` into the frozen network."""
        raise NotImplementedError

    def init_weights(self) -> None:
        """Apply ``init_cfg``, then load ``pretrained`` if given."""
        super().init_weights()
        if self.pretrained is None:
            return
        self.load_weights(
            pretrained_state_dict(
                self.pretrained,
                missing=f'the {self.weights_name} of {type(self).__name__} (config key '
                f'`pretrained`, e.g. {self.config_example})'))
        self.weights_loaded.fill_(True)

    def check_weights_loaded(self) -> None:
        """Raise a RuntimeError explaining how to provide the weights when none were loaded."""
        if not self.weights_loaded:
            raise RuntimeError(
                f'{type(self).__name__} has no {self.weights_name}: they cannot be downloaded, so '
                f'give their path as the config key `pretrained` ({self.config_example}) and '
                'call init_weights() (the Runner does) first.')
