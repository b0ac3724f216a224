"""Load MMEngine checkpoints under torch >= 2.6, whose ``torch.load`` defaults to ``weights_only``.

MMEngine 0.10.7 calls ``torch.load`` without ``weights_only``; since torch 2.6 that means the
restricted unpickler, which refuses the few non-tensor objects an MMEngine checkpoint holds: the
message hub's :class:`~mmengine.logging.HistoryBuffer` (with numpy arrays inside, and its statistics
methods, pickled as ``getattr(HistoryBuffer, 'mean')``) and numpy scalars in ``meta``.

Instead of switching the check off, :func:`allow_mmengine_checkpoints` replaces MMEngine's
local-file checkpoint loader (used by ``load_from``, ``--resume`` and ``load_checkpoint``) with one
that keeps ``weights_only=True`` and allows exactly those types, only for the duration of that
load. Any other class in a checkpoint is still refused, and ``torch.load`` elsewhere is unchanged.
A file that is not a checkpoint, or is refused, raises :class:`CheckpointError` with one line.

Pretrained parts of a model (a frozen S-SR initialiser, M_S and M_T of a cascade) read their
weights when the model is initialised, through OpenMMLab's
``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)``; :class:`StrictPretrainedInit`
makes that load strict, with one-line errors, and :func:`init_weights_quietly` initialises a model
without MMEngine's log line per parameter.
"""
import logging
import os.path as osp
import pickle
import re
from typing import Optional

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import HistoryBuffer, MMLogger, print_log
from mmengine.model.weight_init import PretrainedInit, update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS
from mmengine.runner import CheckpointLoader

from .resources import resolve_resource


class CheckpointError(ValueError):
    """A file that cannot be loaded as a checkpoint; the message names it and the fix."""


def safe_load(filename: str, map_location=None, allowed: list = ()) -> object:
    """``torch.load(filename, weights_only=True)`` with ``allowed`` globals, in one-line errors.

    Args:
        filename (str): An existing file.
        map_location: As in :func:`torch.load`.
        allowed (list): Globals the restricted unpickler may load besides tensors.

    Returns:
        object: What the file holds.

    Raises:
        CheckpointError: The file is not a PyTorch checkpoint (e.g. a text file, a truncated
            download), or it holds Python objects other than weights, which could run code.
    """
    try:
        with torch.serialization.safe_globals(list(allowed)):
            return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        found = re.search(r'Unsupported (global: GLOBAL \S+|operand \d+)', str(err))
        if found and found.group(1).startswith('operand') and not _is_pickle(filename):
            found = None  # e.g. a text file: its first byte is no pickle instruction
        if found:
            raise CheckpointError(
                f'{filename} is refused: it holds Python objects other than weights, and loading '
                f'them could run code ({found.group(0)}); give a checkpoint saved by '
                'tools/train.py or by tools/model_converters/') from None
        raise CheckpointError(_not_a_checkpoint(filename, err)) from None
    except (EOFError, RuntimeError, ValueError, KeyError, IndexError, TypeError,
            AttributeError) as err:
        raise CheckpointError(_not_a_checkpoint(filename, err)) from None


def _is_pickle(filename: str) -> bool:
    """Whether a file starts as a pickle (PROTO instruction) or as a torch zip archive."""
    with open(filename, 'rb') as f:
        head = f.read(4)
    return head[:1] == b'\x80' or head == b'PK\x03\x04'


def _not_a_checkpoint(filename: str, err: Exception) -> str:
    """The one-line message for a file that ``torch.load`` cannot read."""
    reason = re.split(r'\.\s', str(err).strip())[0] or 'the file ends too early'
    return (f'{filename} is not a PyTorch checkpoint ({type(err).__name__}: {reason}): give a '
            '.pth file saved by tools/train.py or by tools/model_converters/ (a download cut '
            'short also gives this)')


def mmengine_checkpoint_globals() -> list:
    """The non-tensor globals found in checkpoints that MMEngine's Runner saves."""
    numpy_globals = [
        np.core.multiarray._reconstruct,  # np.ndarray pickling entry point
        np.core.multiarray.scalar,  # numpy scalars, e.g. np.float64 values in meta
        np.ndarray,
        np.dtype,
    ]
    # numpy >= 1.25 pickles dtypes through their per-type classes (np.dtypes.Float64DType, ...)
    numpy_globals += [type(np.dtype(code)) for code in np.typecodes['All'] if code not in 'OV']
    # getattr: HistoryBuffer's state names its statistics methods as getattr(HistoryBuffer, name);
    # bytes: torch.save's pickle protocol 2 writes an empty bytes object (the data of an empty
    # array, e.g. a HistoryBuffer with no values yet) as the call bytes(). The restricted
    # unpickler still calls nothing that is not on this list.
    return [HistoryBuffer, getattr, bytes] + numpy_globals


def load_from_local(filename: str, map_location=None) -> dict:
    """Load a local checkpoint with ``weights_only=True`` and MMEngine's types allowed.

    Args:
        filename (str): Checkpoint path.
        map_location: As in :func:`torch.load`.

    Returns:
        dict: The checkpoint.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return safe_load(filename, map_location, mmengine_checkpoint_globals())


def pretrained_state_dict(filename: str,
                          prefix: Optional[str] = None,
                          missing: str = '',
                          map_location='cpu') -> dict:
    """The weights of one network in a file, its keys as the network names them.

    Args:
        filename (str): A plain state dict, or a checkpoint holding one under ``state_dict`` (a
            checkpoint saved by MMEngine's Runner holds the whole model there, e.g. an MMagic
            model's ``generator.*``). A leading ``module.`` (``DataParallel``) is removed from
            every key. A relative path that is not found from the working directory is looked
            up in the repository or the installed package
            (:func:`~mmstvsr.utils.resources.resolve_resource`), as configs name their files.
        prefix (str, optional): Keep only the keys under it, without it: where the network is in
            the file, e.g. ``'generator.'``. Default: None (every key).
        missing (str): What the file is and how to get it, for the error when it does not exist.
        map_location: As in :func:`torch.load`. Default: 'cpu'.

    Returns:
        dict: The state dict.

    Raises:
        FileNotFoundError: There is no such file (one line naming it, then ``missing``).
        CheckpointError: It holds no state dict, or no key under ``prefix``.
    """
    filename = resolve_resource(filename)  # a config's relative path, from any folder
    if '://' in str(filename):  # a URL scheme of MMEngine's CheckpointLoader
        checkpoint = CheckpointLoader.load_checkpoint(filename, map_location, logger='silent')
    elif not osp.isfile(osp.expanduser(filename)):
        raise FileNotFoundError(f'{filename} not found' + (f': {missing}' if missing else ''))
    else:
        checkpoint = load_from_local(filename, map_location)
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state_dict, dict):
        raise CheckpointError(f'{filename} holds no state dict: give a file of network weights')
    state_dict = {key.removeprefix('module.'): value for key, value in state_dict.items()}
    if prefix:
        state_dict = {
            key[len(prefix):]: value
            for key, value in state_dict.items() if key.startswith(prefix)
        }
        if not state_dict:
            raise CheckpointError(
                f'{filename} has no weights under prefix={prefix!r} (its keys start with '
                f'{_key_heads(checkpoint)}): give the prefix of the network in it')
    return state_dict


def _key_heads(checkpoint: dict) -> str:
    """The first components of the keys of a checkpoint's state dict, e.g. ``'generator.'``."""
    keys = checkpoint.get('state_dict', checkpoint)
    heads = list(dict.fromkeys(key.removeprefix('module.').split('.')[0] + '.' for key in keys))
    return _some([repr(head) for head in heads])


def _some(names: list, count: int = 3) -> str:
    """The first ``count`` of ``names``, and how many more there are."""
    more = f' and {len(names) - count} more' if len(names) > count else ''
    return ', '.join(names[:count]) + more


def load_pretrained(module: nn.Module,
                    filename: str,
                    prefix: Optional[str] = None,
                    missing: str = '',
                    map_location='cpu') -> None:
    """Load the weights of ``module`` from a file, strictly: all of them, and nothing else.

    The weights are read by :func:`pretrained_state_dict` and loaded by ``module``'s
    ``load_state_dict`` (so the module's load pre-hooks apply, e.g. :class:`DenseDBPN` renaming
    its authors' keys). When they are not the module's, some may already be loaded.

    Args:
        module (nn.Module): The network.
        filename (str): See :func:`pretrained_state_dict`.
        prefix (str, optional): See :func:`pretrained_state_dict`.
        missing (str): See :func:`pretrained_state_dict`.
        map_location: As in :func:`torch.load`. Default: 'cpu'.

    Raises:
        FileNotFoundError: There is no such file.
        CheckpointError: It is not a state dict, or not one of ``module`` (one line naming the
            file, the prefix and the first keys that differ).
    """
    state_dict = pretrained_state_dict(filename, prefix, missing, map_location)
    try:
        result = module.load_state_dict(state_dict, strict=False)
    except RuntimeError as err:  # weights of other shapes, raised whatever `strict` says
        names = re.findall(r'size mismatch for ([^:]+):', str(err))
        problems = [f'other shapes: {_some(names)}' if names else str(err).splitlines()[-1]]
    else:
        problems = [
            f'{what}: {_some(keys)}'
            for what, keys in (('missing', result.missing_keys),
                               ('unexpected', result.unexpected_keys)) if keys
        ]
        if len(result.missing_keys) == len(module.state_dict()):  # none of its keys
            problems.append(f"the file's keys start with {_key_heads(state_dict)}")
    if problems:
        where = f' under prefix={prefix!r}' if prefix else ''
        raise CheckpointError(
            f'{filename} does not hold the weights of {type(module).__name__}{where} '
            f'({"; ".join(problems)}): give a file of this network, or the prefix of the '
            'network in it')


@WEIGHT_INITIALIZERS.register_module(name='Pretrained', force=True)
class StrictPretrainedInit(PretrainedInit):
    """``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)``, strict by default.

    MMEngine's ``Pretrained`` initialiser loads with ``strict=False``: weights that are not the
    module's are logged as a warning and the module keeps its random initialisation. Registered
    in its place when mmstvsr is imported, this one loads through :func:`load_pretrained` (local
    files through :func:`load_from_local`): every weight of the module from the file and nothing
    else, an error of one line naming the file and the prefix otherwise, and one log line per
    file. ``strict=False`` is MMEngine's behaviour. Being ``type='Pretrained'``, MMEngine's
    ``BaseModule.init_weights`` still applies it last, over the children's own initialisation.

    Args:
        checkpoint (str): The file: a plain state dict, or a checkpoint holding it under
            ``state_dict`` (e.g. saved by MMEngine's Runner).
        prefix (str, optional): Where the module's weights are in the file: their keys start
            with it, e.g. ``'generator.'`` for a Runner checkpoint of an MMagic model whose
            generator is the module. Default: None (every key is the module's).
        map_location (str): As in :func:`torch.load`. Default: 'cpu'.
        strict (bool): Load every weight of the module and nothing else. Default: True.
    """

    def __init__(self,
                 checkpoint: Optional[str],
                 prefix: Optional[str] = None,
                 map_location: str = 'cpu',
                 strict: bool = True):
        super().__init__(checkpoint, prefix, map_location)
        self.strict = strict

    def __call__(self, module: nn.Module) -> None:
        if not self.strict:
            return super().__call__(module)
        name = type(module).__name__
        if self.checkpoint is None:
            raise CheckpointError(
                f"{name}: its init_cfg=dict(type='Pretrained') names no checkpoint: give the "
                "file of its weights (the config's comments say which)")
        load_pretrained(module, self.checkpoint, self.prefix,
                        f"the weights of {name} (its init_cfg=dict(type='Pretrained')): put them "
                        'there, or give their path as its checkpoint', self.map_location)
        where = f' (the keys under {self.prefix!r})' if self.prefix else ''
        print_log(f'{name} weights loaded from {self.checkpoint}{where}', logger='current')
        if hasattr(module, '_params_init_info'):  # the table of BaseModule.init_weights
            update_init_info(module, init_info=self._get_init_info())


class _WithoutInitTable(logging.Filter):
    """Drops the per-parameter table that MMEngine's ``BaseModule.init_weights`` logs at INFO
    (``_dump_init_info``) when the logger has no log file to take it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.funcName != '_dump_init_info'


def init_weights_quietly(module: nn.Module) -> None:
    """``module.init_weights()`` without MMEngine's log line per parameter.

    What the initialisers log is kept, e.g. the one line per weight file of
    :class:`StrictPretrainedInit`. A Runner's logger writes the table to its log file instead,
    as MMEngine does.

    Args:
        module (nn.Module): A module with ``init_weights`` (e.g. MMEngine's ``BaseModule``).
    """
    logger = MMLogger.get_current_instance()
    table = _WithoutInitTable()
    logger.addFilter(table)
    try:
        module.init_weights()
    finally:
        logger.removeFilter(table)


def allow_mmengine_checkpoints() -> None:
    """Make MMEngine load local checkpoints through :func:`load_from_local`."""
    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local, force=True)


def rename_key(key: str, rules, model_name: str) -> str:
    """Rename one key of an authors' state dict by the first matching ``(pattern, repl)`` rule.

    Args:
        key (str): The key, without a ``module.`` prefix.
        rules (list[tuple]): ``(pattern, repl)`` pairs for :func:`re.subn`, anchored at the
            start of the key.
        model_name (str): The model's name, for the error message.

    Returns:
        str: The renamed key.

    Raises:
        KeyError: No rule matches.
    """
    for pattern, repl in rules:
        new_key, n = re.subn('^' + pattern, repl, key)
        if n:
            return new_key
    raise KeyError(f'unknown key in the {model_name} checkpoint: {key!r}')
