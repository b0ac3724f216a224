"""Base of the losses built around a frozen pretrained network whose weights are a local file."""
import os.path as osp
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule


class FrozenPretrainedNet(BaseModule):
    """A module around a frozen network whose weights come from the config key ``pretrained``.

    Pretrained weights cannot be downloaded here, so they are a file read by :meth:`init_weights`
    (which MMEngine's Runner calls before training), never when the module is built. The network
    gets no gradient and stays in eval mode; gradients still flow to its inputs. Whether weights
    were loaded is the ``weights_loaded`` buffer, saved in checkpoints with the weights, so a
    restored checkpoint needs no file.

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
        self._frozen = []
        self.register_buffer('weights_loaded', torch.tensor(False))

    def freeze(self, network: nn.Module) -> nn.Module:
        """Make ``network`` non-trainable and keep it in eval mode; returns it."""
        network.requires_grad_(False)
        network.eval()
        self._frozen.append(network)
        return network

    def load_weights(self, state_dict: dict) -> None:
        """Load a state dict read from ``pretrained`` into the frozen network."""
        raise NotImplementedError

    def init_weights(self) -> None:
        """Apply ``init_cfg``, then load ``pretrained`` if given."""
        super().init_weights()
        if self.pretrained is None:
            return
        if not osp.isfile(self.pretrained):
            raise FileNotFoundError(
                f'{type(self).__name__}: {self.weights_name} not found at '
                f'pretrained={self.pretrained!r} (config key `pretrained`, e.g. '
                f'{self.config_example}).')
        self.load_weights(torch.load(self.pretrained, map_location='cpu', weights_only=True))
        self.weights_loaded.fill_(True)

    def train(self, mode: bool = True) -> 'FrozenPretrainedNet':
        """Set the mode of this module; the frozen networks always stay in eval mode."""
        super().train(mode)
        for network in self._frozen:
            network.eval()
        return self

    def check_weights_loaded(self) -> None:
        """Raise a RuntimeError explaining how to provide the weights when none were loaded."""
        if not self.weights_loaded:
            raise RuntimeError(
                f'{type(self).__name__} has no {self.weights_name}: they cannot be downloaded, so '
                f'give their path as the config key `pretrained` ({self.config_example}) and '
                'call init_weights() (the Runner does) first.')
