"""NonFiniteGuardHook: non-finite losses stop training, non-finite weights are never saved."""
from types import SimpleNamespace

import pytest
import torch

from mmstvsr.engine.hooks import NonFiniteGuardHook, NonFiniteTrainingError


def test_finite_losses_pass_and_non_finite_ones_name_the_iteration():
    hook, runner = NonFiniteGuardHook(), SimpleNamespace(iter=41)
    hook.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(0.5), loss_pix=0.25))
    with pytest.raises(NonFiniteTrainingError, match=r'iteration 42: non-finite loss \(loss=inf'):
        hook.after_train_iter(
            runner, 0, outputs=dict(loss=torch.tensor(float('inf')), loss_pix=torch.tensor(0.1)))


def test_a_checkpoint_with_non_finite_weights_is_not_saved():
    hook, runner = NonFiniteGuardHook(), SimpleNamespace(iter=7)
    good = dict(state_dict={'w': torch.ones(3), 'steps': torch.tensor(3)})
    hook.before_save_checkpoint(runner, good)
    bad = dict(state_dict={'w': torch.ones(3), 'generator.b': torch.tensor([1., float('nan')])})
    with pytest.raises(NonFiniteTrainingError, match="iteration 7: 1 weight tensors are not "
                       r"finite \(e.g. generator.b\)"):
        hook.before_save_checkpoint(runner, bad)


def test_it_runs_before_the_checkpoint_hook():
    from mmengine.hooks import CheckpointHook
    from mmengine.runner.priority import get_priority
    assert get_priority(NonFiniteGuardHook.priority) < get_priority(CheckpointHook.priority)
