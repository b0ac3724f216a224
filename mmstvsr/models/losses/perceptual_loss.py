"""VGG19 perceptual loss with weights read from a local file."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmagic.registry import MODELS
from torchvision.models.vgg import cfgs, make_layers

from .frozen_network import FrozenPretrainedNet

#: Index of relu5_4 in torchvision's ``vgg19().features``.
_RELU5_4 = 35
_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)
_CRITERIA = {'mse': F.mse_loss, 'l1': F.l1_loss}


@MODELS.register_module()
class VGGPerceptualLoss(FrozenPretrainedNet):
    r"""Perceptual loss on VGG19 features up to relu5_4 (STINet's ``l_per``, paper Sec. 3.6).

    .. math::
        l_{per} = \operatorname{mean} \left( \phi(V) - \phi(V^{gt}) \right)^2,

    ``phi`` the VGG19 feature extractor up to relu5_4 (the first 36 layers of torchvision's
    ``vgg19().features``, the authors' ``feature_layer=35``) applied to ImageNet-normalised RGB
    frames. The paper writes a sum of squared L2 norms over frames; we average over all elements,
    as ``nn.MSELoss`` does per frame in the authors' code, which then sums over the ``T`` frames:
    their weight 0.1 corresponds to ``loss_weight=0.1 * T`` here.

    MMagic's ``PerceptualLoss`` downloads its VGG weights; this one reads a torchvision ``vgg19``
    state dict (``features.*`` keys; ``classifier.*`` ignored) from ``pretrained`` in
    :meth:`init_weights` (which MMEngine's Runner calls before training), so building the loss
    needs no file. The VGG is frozen (no gradient to its parameters, always in eval mode);
    gradients flow to ``pred``, not to ``target``. Whether weights were loaded is the
    ``weights_loaded`` buffer, saved in checkpoints with the weights themselves.

    Args:
        pretrained (str, optional): Path of a torchvision ``vgg19`` state dict, e.g.
            ``vgg19-dcbb9e9d.pth``. Default: None (forward raises).
        criterion (str): 'mse' (the paper's squared L2) or 'l1' between features. Default: 'mse'.
        loss_weight (float): Weight of the loss, ``lambda_1`` of Eq. 4. Default: 0.1.
        init_cfg (dict, optional): MMEngine initialisation config, applied before ``pretrained``
            is loaded. Default: None.
    """

    weights_name = 'VGG19 weights'
    config_example = "dict(type='VGGPerceptualLoss', pretrained='path/to/vgg19.pth')"

    def __init__(self,
                 pretrained: Optional[str] = None,
                 criterion: str = 'mse',
                 loss_weight: float = 0.1,
                 init_cfg: Optional[dict] = None):
        super().__init__(pretrained, init_cfg)
        if criterion not in _CRITERIA:
            raise ValueError(f"VGGPerceptualLoss: criterion must be 'mse' or 'l1', "
                             f'got {criterion!r}.')
        self.criterion = criterion
        self.loss_weight = loss_weight
        # torchvision's vgg19().features, without building its 400 MB classifier
        self.vgg = self.freeze(make_layers(cfgs['E'])[:_RELU5_4 + 1])
        self.register_buffer('mean', torch.tensor(_IMAGENET_MEAN).view(1, 3, 1, 1), False)
        self.register_buffer('std', torch.tensor(_IMAGENET_STD).view(1, 3, 1, 1), False)

    def load_weights(self, state_dict: dict) -> None:
        """Load the ``features.*`` weights of a torchvision ``vgg19`` state dict up to relu5_4."""
        features = {
            key[len('features.'):]: value
            for key, value in state_dict.items() if key.startswith('features.')
            and int(key.split('.')[1]) <= _RELU5_4
        }
        try:
            self.vgg.load_state_dict(features)
        except RuntimeError as error:
            raise RuntimeError(f'VGGPerceptualLoss: {self.pretrained} is not a torchvision '
                               f'vgg19 state dict: {error}') from error

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            pred (Tensor): Predicted frames ``(B, T, 3, H, W)`` or ``(N, 3, H, W)``, RGB in
                [0, 1].
            target (Tensor): Ground truth of the same shape; no gradient flows into it.

        Returns:
            Tensor: Scalar loss.
        """
        self.check_weights_loaded()
        if pred.shape != target.shape or pred.dim() not in (4, 5) or pred.shape[-3] != 3:
            raise ValueError('VGGPerceptualLoss takes pred and target (B, T, 3, H, W) or '
                             f'(N, 3, H, W) of the same shape, got {tuple(pred.shape)} and '
                             f'{tuple(target.shape)}.')
        pred_features = self._features(pred.flatten(0, -4))
        with torch.no_grad():
            target_features = self._features(target.flatten(0, -4))
        return self.loss_weight * _CRITERIA[self.criterion](pred_features, target_features)

    def _features(self, frames: torch.Tensor) -> torch.Tensor:
        """relu5_4 features ``(N, 512, H/16, W/16)`` of RGB frames ``(N, 3, H, W)`` in [0, 1]."""
        return self.vgg((frames - self.mean) / self.std)
