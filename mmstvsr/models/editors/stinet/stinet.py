"""The STINet model: :class:`STINetNet` trained with the losses of Eq. 4."""
from typing import Dict, Optional

import torch
from mmagic.registry import MODELS
from mmagic.structures import DataSample

from mmstvsr.models.archs import MATLABBicubicResize
from mmstvsr.models.base_models import BaseSTVSRModel


@MODELS.register_module()
class STINet(BaseSTVSRModel):
    """STINet with its training objective (Eq. 4).

    ``l = l_rec + l'_rec + lambda1 * l_per + lambda2 * l_mcl``:

    - ``l_rec`` (``pixel_loss``): final HR frames vs ground truth (L2 in the paper);
    - ``l'_rec`` (``init_loss``): the phase-1 RGB heads, HR frames vs ground truth and LR frames
      vs the ground truth brought down by the same MATLAB bicubic as the inputs;
    - ``l_per`` (``perceptual_loss``) and ``l_mcl`` (``motion_loss``) on the final frames, their
      weights (lambda1 = lambda2 = 0.1) inside their configs. Either can be None (e.g. "w/o MCL").
      Both take RGB in [0, 1]: frames and ground truth are brought there from the data
      preprocessor's normalisation (:meth:`unit_range`), whichever the config uses.

    Args:
        generator (dict): :class:`STINetNet` config.
        pixel_loss (dict): ``l_rec``.
        init_loss (dict, optional): ``l'_rec``; None disables it. Default: None.
        perceptual_loss (dict, optional): ``l_per``. Default: None.
        motion_loss (dict, optional): ``l_mcl``. Default: None.
        **kwargs: :class:`BaseSTVSRModel` arguments (scale, times, extra_inputs, test_cfg...).
    """

    def __init__(self,
                 generator: dict,
                 pixel_loss: dict,
                 init_loss: Optional[dict] = None,
                 perceptual_loss: Optional[dict] = None,
                 motion_loss: Optional[dict] = None,
                 **kwargs):
        super().__init__(generator=generator, pixel_loss=pixel_loss, **kwargs)
        self.init_loss = MODELS.build(init_loss) if init_loss else None
        self.perceptual_loss = MODELS.build(perceptual_loss) if perceptual_loss else None
        self.motion_loss = MODELS.build(motion_loss) if motion_loss else None
        self.downsample = MATLABBicubicResize(1 / self.scale)

    def forward_train(self,
                      inputs: torch.Tensor,
                      data_samples: Optional[DataSample] = None,
                      **kwargs) -> Dict[str, torch.Tensor]:
        """Losses of Eq. 4.

        Args:
            inputs (Tensor): LR frames ``(B, T, 3, h, w)``.
            data_samples (DataSample): Stacked samples with ``gt_img`` ``(B, T_out, 3, H, W)``.

        Returns:
            dict: ``loss_rec``, ``loss_init_hr``, ``loss_init_lr``, ``loss_per``, ``loss_mcl``
            (those configured).
        """
        out = self.forward_tensor(inputs, data_samples, return_aux=True, **kwargs)
        gt = self.target_frames(out['frames'], data_samples)
        losses = dict(loss_rec=self.pixel_loss(out['frames'], gt))
        if self.init_loss is not None:
            if 'hr_init' in out:
                losses['loss_init_hr'] = self.init_loss(out['hr_init'], gt)
            if 'lr_init' in out:
                losses['loss_init_lr'] = self.init_loss(out['lr_init'], self.downsample(gt))
        if self.perceptual_loss is not None or self.motion_loss is not None:
            frames, gt = self.unit_range(out['frames']), self.unit_range(gt)  # they take [0, 1]
        if self.perceptual_loss is not None:
            losses['loss_per'] = self.perceptual_loss(frames, gt)
        if self.motion_loss is not None:
            losses['loss_mcl'] = self.motion_loss(frames, gt)
        return losses
