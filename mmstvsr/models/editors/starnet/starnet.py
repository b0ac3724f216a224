"""The STARnet model: :class:`STARnetNet` trained with the objectives of Sec. 3.2-3.4."""
from typing import Dict, Optional, Sequence

import torch
from mmagic.registry import MODELS
from mmagic.structures import DataSample

from mmstvsr.models.archs import MATLABBicubicResize
from mmstvsr.models.base_models import BaseSTVSRModel
from mmstvsr.utils.flow import normalize_flow

TARGETS = ('hr_input', 'hr_mid', 'lr_mid')


@MODELS.register_module()
class STARnet(BaseSTVSRModel):
    """STARnet with its training objectives: ``L_r`` (Eq. 16) and ``L_f`` (Eq. 17).

    ``L_r = w1 * L1 + w2 * L_flow`` and ``L_f = L_r + w3 * L_vgg`` with w1 = 1, w2 = w3 = 0.1
    (the flow and perceptual weights live in their loss configs). ``L1`` and ``L_vgg`` sum over
    the targets of the training objective, each with its weight in ``loss_weights``, and over
    the outputs of both stages, weighted by ``stage_weights`` (the authors' 0.4 for stage 1 and
    1.0 for stage 2):

    - ``hr_input``: the HR frames at the input times (Space loss; STAR: 0.5 each);
    - ``hr_mid``: the HR in-between frames (Space-Time loss; STAR: 1);
    - ``lr_mid``: the LR in-between frames (Time loss; STAR: 1), against the ground truth brought
      down by the same MATLAB bicubic as the inputs, or as it is when the ground truth has the
      inputs' size (STAR-T-HR, which takes HR frames as inputs).

    A target of weight 0 is left out: STAR-ST is ``hr_input=0.5, hr_mid=1``, STAR-S
    ``hr_input=1``, STAR-T ``lr_mid=1``. ``L_flow`` (Eq. 15) compares the FR module's refined
    flows with the pipeline's flows through the ground-truth in-between frames
    (:class:`~mmstvsr.datasets.transforms.InBetweenFlows`), both in the model's flow scale.

    Args:
        generator (dict): :class:`STARnetNet` config.
        pixel_loss (dict): ``L1`` (the authors' ``nn.L1Loss``).
        loss_weights (dict): Weight of each target. Default: STAR's
            ``dict(hr_input=0.5, hr_mid=1.0, lr_mid=1.0)``.
        stage_weights (Sequence[float]): Weights of the stage-1 and stage-2 outputs.
            Default: (0.4, 1.0).
        perceptual_loss (dict, optional): ``L_vgg`` (0.1 inside its config). Default: None.
        flow_loss (dict, optional): ``L_flow`` (0.1 inside its config); needs the FR module.
            Default: None.
        **kwargs: :class:`BaseSTVSRModel` arguments (scale, times, extra_inputs, test_cfg...).
    """

    def __init__(self,
                 generator: dict,
                 pixel_loss: dict,
                 loss_weights: dict = dict(hr_input=0.5, hr_mid=1.0, lr_mid=1.0),
                 stage_weights: Sequence[float] = (0.4, 1.0),
                 perceptual_loss: Optional[dict] = None,
                 flow_loss: Optional[dict] = None,
                 **kwargs):
        super().__init__(generator=generator, pixel_loss=pixel_loss, **kwargs)
        unknown = set(loss_weights) - set(TARGETS)
        if unknown or not any(loss_weights.values()):
            raise ValueError(f'loss_weights takes positive weights for {TARGETS}, '
                             f'got {loss_weights}')
        if flow_loss is not None and self.generator.flow_refinement is None:
            raise ValueError('flow_loss trains the flow refinement module: build the generator '
                             'with flow_refinement, or set flow_loss=None ("w/o FR")')
        self.loss_weights = {k: float(v) for k, v in loss_weights.items() if v}
        self.stage_weights = tuple(stage_weights)
        self.perceptual_loss = MODELS.build(perceptual_loss) if perceptual_loss else None
        self.flow_loss = MODELS.build(flow_loss) if flow_loss else None
        self.downsample = MATLABBicubicResize(1 / self.scale)

    def _targets(self, gt: torch.Tensor, lr_size: Sequence[int]) -> Dict[str, torch.Tensor]:
        """Ground truth of each weighted target from the clip ``gt`` ``(B, 2T-1, 3, H, W)``."""
        targets = {}
        if 'hr_input' in self.loss_weights:
            targets['hr_input'] = gt[:, 0::2]
        if 'hr_mid' in self.loss_weights:
            targets['hr_mid'] = gt[:, 1::2]
        if 'lr_mid' in self.loss_weights:
            mids = gt[:, 1::2]
            targets['lr_mid'] = mids if tuple(mids.shape[-2:]) == tuple(lr_size) else \
                self.downsample(mids)
        return targets

    def _predictions(self, out: Dict[str, torch.Tensor], suffix: str) -> Dict[str, torch.Tensor]:
        hr, lr_mid = out['hr' + suffix], out['lr_mid' + suffix]
        return dict(hr_input=hr[:, 0::2], hr_mid=hr[:, 1::2], lr_mid=lr_mid)

    def forward_train(self,
                      inputs: torch.Tensor,
                      data_samples: Optional[DataSample] = None,
                      **kwargs) -> Dict[str, torch.Tensor]:
        """Losses of the training objective.

        Args:
            inputs (Tensor): Input frames ``(B, T, 3, h, w)``.
            data_samples (DataSample): Stacked samples with ``gt_img`` ``(B, 2T-1, 3, H, W)``
                and, for the flow loss, ``flow_fwd_gt`` / ``flow_bwd_gt`` ``(B, T-1, 2, h, w)``.

        Returns:
            dict: ``loss_pix``, and ``loss_per`` / ``loss_flow`` when configured.
        """
        out = self.forward_tensor(inputs, data_samples, return_aux=True, **kwargs)
        gt = data_samples.gt_img
        expected = out['lr_mid'].size(1) * 2 + 1
        if gt.dim() != 5 or gt.size(1) != expected:
            raise ValueError(f'STARnet needs the {expected} ground-truth frames of '
                             f'{inputs.size(1)} inputs and their midpoints, got gt_img of '
                             f'shape {tuple(gt.shape)}')
        targets = self._targets(gt, inputs.shape[-2:])
        stages = [''] if 'hr_stage1' not in out else ['_stage1', '']
        weights = self.stage_weights[-len(stages):]
        losses = dict(loss_pix=0.)
        if self.perceptual_loss is not None:
            losses['loss_per'] = 0.
        for suffix, w_stage in zip(stages, weights):
            preds = self._predictions(out, suffix)
            for name, target in targets.items():
                w = w_stage * self.loss_weights[name]
                if preds[name].shape != target.shape:
                    raise ValueError(f'the {name} prediction {tuple(preds[name].shape)} and its '
                                     f'ground truth {tuple(target.shape)} differ: check the '
                                     f'scale ({self.scale}) of the pipeline and the model')
                losses['loss_pix'] = losses['loss_pix'] + w * self.pixel_loss(
                    preds[name], target)
                if self.perceptual_loss is not None:
                    losses['loss_per'] = losses['loss_per'] + w * self.perceptual_loss(
                        preds[name], target)
        if self.flow_loss is not None:
            losses['loss_flow'] = self._flow_loss(out, data_samples)
        return losses

    def _flow_loss(self, out: Dict[str, torch.Tensor], data_samples: DataSample):
        """Eq. 15 on the refined flows of every pair."""
        missing = [k for k in ('flow_fwd_gt', 'flow_bwd_gt') if k not in data_samples]
        if missing:
            raise KeyError(f'the flow loss needs {missing} in the data samples: add '
                           "dict(type='InBetweenFlows') to the training pipeline and "
                           "'flow_fwd_gt', 'flow_bwd_gt' to PackInputs' data_keys")
        max_flow = self.generator.max_flow
        loss = 0.
        for key in ('flow_fwd', 'flow_bwd'):
            target = normalize_flow(data_samples.get(f'{key}_gt'), max_flow)
            loss = loss + self.flow_loss(out[key], target.to(out[key]))
        return loss
