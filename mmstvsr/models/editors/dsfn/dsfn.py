"""The Dual-Stream Fusion Network model: its generator trained with the losses of Sec. 3.4."""
from typing import Dict, Optional

import torch
from mmagic.registry import MODELS
from mmagic.structures import DataSample

from mmstvsr.models.archs import MATLABBicubicResize
from mmstvsr.models.base_models import BaseSTVSRModel

# loss name -> (output of the generator, ground truth), Eq. 11-16
LOSS_TERMS = {
    'st': ('hr_st', 'hr_mid'),  # L_MS->T, Eq. 11
    'ts': ('hr_ts', 'hr_mid'),  # L_MT->S, Eq. 12
    'fused': ('hr_fused', 'hr_mid'),  # L_F, Eq. 13
    'refined': ('hr_refined', 'hr_mid'),  # L_R, Eq. 14
    'ms': ('hr_keys', 'hr_keys'),  # L_MS, Eq. 15
    'mt': ('lr_mid', 'lr_mid'),  # L_MT, Eq. 16
}


@MODELS.register_module()
class DSFN(BaseSTVSRModel):
    """Dual-Stream Fusion Network with the reconstruction and auxiliary losses, Eq. 17.

    ``L_total = L_MS->T + L_MT->S + L_F + L_R + L_MS + L_MT``, each ``pixel_loss`` (L1) with the
    weight given in ``loss_weights`` (the paper: all equal). ``L_MS`` compares M_S's outputs at
    the input times with their ground truth (the mean over those frames, i.e.
    ``0.5 (|H^_t-1 - H_t-1| + |H^_t+1 - H_t+1|)`` on a triplet, as the authors' code) and
    ``L_MT`` the LR intermediate frame of the T->S stream with the ground truth brought down by
    the same MATLAB bicubic as the inputs. A term of weight 0 is not computed. The training
    stages are weight sets: stage 1 (pretrain M_S and M_T) ``ms`` and ``mt``; stage 2 (M_S and
    M_T frozen) ``fused`` and ``refined`` (Eq. 13-14); stage 3 all six.

    Every output is available at test time:
    ``model(inputs, mode='tensor', return_aux=True)`` gives the generator's dict (``hr_keys``,
    ``lr_mid``, ``hr_st``, ``hr_ts``, ``hr_fused``, ``mask_st``, ``mask_ts``, ``hr_refined``).

    Args:
        generator (dict): :class:`DualStreamFusionNet` config (or a
            :class:`SpaceTimeCascadeNet`, whose outputs the weights must match).
        pixel_loss (dict): The loss of every term (the paper: ``L1Loss``).
        loss_weights (dict): Weight of each of ``st``, ``ts``, ``fused``, ``refined``, ``ms``,
            ``mt``; missing ones are 0. Default: all 1 (stage 3).
        **kwargs: :class:`BaseSTVSRModel` arguments (``scale``, ``times``...).
    """

    def __init__(self,
                 generator: dict,
                 pixel_loss: dict,
                 loss_weights: Optional[dict] = None,
                 **kwargs):
        super().__init__(generator=generator, pixel_loss=pixel_loss, **kwargs)
        loss_weights = {k: 1. for k in LOSS_TERMS} if loss_weights is None else loss_weights
        unknown = set(loss_weights) - set(LOSS_TERMS)
        if unknown or not any(loss_weights.values()):
            raise ValueError(f'loss_weights takes weights for {tuple(LOSS_TERMS)}, at least one '
                             f'positive; got {loss_weights}')
        self.loss_weights = {k: float(v) for k, v in loss_weights.items() if v}
        if 'refined' in self.loss_weights and getattr(self.generator, 'refinement', 1) is None:
            raise ValueError('loss_weights has "refined" (L_R) but the generator has no '
                             'refinement module: drop the weight or give refinement=dict()')
        self.downsample = MATLABBicubicResize(1 / self.scale)

    def _targets(self, gt: torch.Tensor, num_inputs: int) -> Dict[str, torch.Tensor]:
        """Ground truths from the clip ``gt`` ``(B, T + (T - 1) K, 3, H, W)``."""
        step = (gt.size(1) - 1) // (num_inputs - 1)
        key_index = torch.arange(num_inputs, device=gt.device) * step
        mid_index = [i for i in range(gt.size(1)) if i % step]
        targets = dict(hr_keys=gt[:, key_index], hr_mid=gt[:, mid_index])
        if 'mt' in self.loss_weights:
            targets['lr_mid'] = self.downsample(targets['hr_mid'])
        return targets

    def forward_train(self,
                      inputs: torch.Tensor,
                      data_samples: Optional[DataSample] = None,
                      **kwargs) -> Dict[str, torch.Tensor]:
        """The weighted losses.

        Args:
            inputs (Tensor): LR frames ``(B, T, 3, h, w)``.
            data_samples (DataSample): Stacked samples with ``gt_img``
                ``(B, T + (T - 1) K, 3, H, W)``.

        Returns:
            dict: ``loss_<name>`` for every term of positive weight.
        """
        out = self.forward_tensor(inputs, data_samples, return_aux=True, **kwargs)
        targets = self._targets(self.target_frames(out['frames'], data_samples), inputs.size(1))
        losses = {}
        for name, weight in self.loss_weights.items():
            pred_key, target_key = LOSS_TERMS[name]
            if pred_key not in out:
                raise KeyError(f'loss_weights has {name!r} but {type(self.generator).__name__} '
                               f'gives no {pred_key}: drop the weight')
            losses[f'loss_{name}'] = weight * self.pixel_loss(out[pred_key], targets[target_key])
        return losses
