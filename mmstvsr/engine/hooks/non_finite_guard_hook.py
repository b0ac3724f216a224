"""Stop a training run at its first non-finite loss, before anything of it is saved."""
import math
from typing import Optional

import torch
from mmagic.registry import HOOKS
from mmengine.hooks import Hook

from mmstvsr.engine.errors import NonFiniteTrainingError


@HOOKS.register_module()
class NonFiniteGuardHook(Hook):
    """Stop training when a loss becomes NaN or infinite, and never save non-finite weights.

    After every iteration the losses of ``train_step`` are checked, before the checkpoint hook of
    that iteration runs (this hook's priority is higher), and every checkpoint is checked before
    it is written. Either failure raises :class:`NonFiniteTrainingError` naming the iteration and
    the losses or weights; ``tools/train.py`` prints it as one line and exits 1. The last
    checkpoint on disk is then the last finite one, to resume from with a lower learning rate.
    """

    priority = 'VERY_HIGH'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Raise if a loss of this iteration is not finite."""
        bad = {}
        for name, value in (outputs or {}).items():
            if torch.is_tensor(value) and value.numel() != 1:
                continue
            value = float(value)
            if not math.isfinite(value):
                bad[name] = value
        if bad:
            losses = ', '.join(f'{k}={v}' for k, v in bad.items())
            raise NonFiniteTrainingError(
                f'iteration {runner.iter + 1}: non-finite loss ({losses}); training stopped, '
                'nothing of this iteration saved: lower the learning rate '
                '(optim_wrapper.optimizer.lr) or clip gradients (optim_wrapper.clip_grad), then '
                'resume from the last checkpoint')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Raise instead of saving a checkpoint whose weights are not all finite."""
        bad = [k for k, v in checkpoint.get('state_dict', {}).items()
               if torch.is_tensor(v) and v.is_floating_point() and not torch.isfinite(v).all()]
        if bad:
            raise NonFiniteTrainingError(
                f'iteration {runner.iter}: {len(bad)} weight tensors are not finite (e.g. '
                f'{bad[0]}); the checkpoint was not saved: lower the learning rate and resume '
                'from the last checkpoint')
