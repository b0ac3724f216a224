"""Shared helpers of the golden-output tests: name-seeded weights and the recorded files.

The golden files in ``tests/data/golden/`` hold what the authors' own code computed for weights
made by :func:`seeded_tensor` from each parameter's name in the *authors'* layout, so that module
order and init code can change on either side. The recipe is in ``tests/data/golden/README.md``;
it imports this module to make the same weights.
"""
import json
import os.path as osp
import zlib
from typing import Dict, List, Tuple

import numpy as np
import torch

GOLDEN = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'data', 'golden')
#: ImageNet mean and std that the STINet and STARnet authors normalise their frames with
#: (``torchvision.transforms.Normalize`` in their ``data.py`` / ``data_STINet.py``), in [0, 1].
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def seeded_tensor(name: str, shape: Tuple[int, ...]) -> torch.Tensor:
    """A float64 tensor determined by ``name`` and ``shape`` alone.

    Values are uniform in [-1, 1) from ``numpy.random.default_rng(crc32(name))``, then scaled:
    by ``sqrt(3 / fan_in)`` (variance ``1 / fan_in``, ``fan_in = prod(shape[1:])``; it keeps the
    outputs of these deep networks near the image range) for tensors of 2 or more dimensions,
    by 0.1 for 1-D tensors (biases, PReLU slopes, norms' affine terms), except that a
    ``running_var`` is ``1 + 0.5 * |u|`` and ``num_batches_tracked`` is 0.

    Args:
        name (str): The parameter's key in the authors' state dict, without ``module.``.
        shape (tuple[int]): Its shape.

    Returns:
        Tensor: float64 (int64 for ``num_batches_tracked``).
    """
    if name.endswith('num_batches_tracked'):
        return torch.zeros(shape, dtype=torch.int64)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    values = rng.uniform(-1.0, 1.0, size=shape)
    if name.endswith('running_var'):
        values = 1 + 0.5 * np.abs(values)
    elif len(shape) >= 2:
        values = values * np.sqrt(3.0 / int(np.prod(shape[1:])))
    else:
        values = values * 0.1
    return torch.from_numpy(values)


def seeded_state_dict(layout: Dict[str, List[int]]) -> Dict[str, torch.Tensor]:
    """Name-seeded weights for every key of an authors' layout ``{key: shape}``.

    A normalisation layer's scale (a ``weight`` next to a ``running_mean``) is ``1 + 0.1 u``
    rather than ``0.1 u``: scales of 0.1 shrink the signal tenfold at every BatchNorm, so that
    the output of a deep U-Net no longer depends on its input.
    """
    state = {key: seeded_tensor(key, tuple(shape)) for key, shape in layout.items()}
    for key in state:
        if key.endswith('.weight') and key[:-len('weight')] + 'running_mean' in layout:
            state[key] = 1 + state[key]
    return state


def load_golden(name: str) -> Dict[str, object]:
    """The recorded arrays of ``tests/data/golden/{name}.npz``; ``layout`` (JSON) is decoded to
    the ``{key: shape}`` of the authors' state dict the weights were made for."""
    with np.load(osp.join(GOLDEN, f'{name}.npz')) as data:
        record = {k: data[k] for k in data.files}
    for key in [k for k in record if k.startswith('layout')]:
        record[key] = json.loads(str(record[key]))
    return record


def assert_close(ours: torch.Tensor, theirs: np.ndarray, rel: float = 1e-6, what: str = ''):
    """``max |ours - theirs| <= rel * max |theirs|``, with the numbers in the message."""
    ours = ours.detach().double().cpu().numpy()
    assert ours.shape == theirs.shape, f'{what}: shape {ours.shape} vs {theirs.shape}'
    scale = float(np.abs(theirs).max())
    diff = float(np.abs(ours - theirs.astype(np.float64)).max())
    assert scale > 0, f'{what}: the recorded output is all zeros'
    assert diff <= rel * scale, f'{what}: max abs diff {diff:.3e} > {rel} x {scale:.3e}'
