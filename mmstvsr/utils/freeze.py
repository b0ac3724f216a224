"""Fixed parts of a model: a pretrained network kept as it is while the rest trains."""
from functools import partial

import torch.nn as nn


def freeze(module: nn.Module) -> nn.Module:
    """Make ``module`` fixed: no gradient to its parameters, and eval mode, which it keeps.

    The one way mmstvsr fixes a network (a frozen S-SR initialiser, the DSFN stage-2 M_S and M_T,
    a loss's VGG19 or SPyNet). ``module.train()``, also when its parent calls it, leaves the
    module and its children in eval mode, so normalisation and dropout layers stay in inference
    behaviour; gradients still flow through it to its inputs.

    Args:
        module (nn.Module): The network; changed in place.

    Returns:
        nn.Module: ``module``.
    """
    module.requires_grad_(False)
    # an instance attribute, found before the class's train(): the owner needs no train() of its
    # own (a partial of a module-level function, so that the module still copies and pickles)
    module.train = partial(_train_frozen, module)
    return module.eval()


def _train_frozen(module: nn.Module, mode: bool = True) -> nn.Module:
    """``train()`` of a frozen module: eval mode whatever ``mode`` asks."""
    return type(module).train(module, False)
