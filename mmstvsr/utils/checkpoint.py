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
"""
import argparse
import os.path as osp
import pickle
import re
import sys

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader

from .files import atomic_output


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


def network_state_dict(filename: str, prefix: str = 'generator.') -> dict:
    """The weights of one network from a plain state dict or a Runner checkpoint.

    Args:
        filename (str): A file holding a plain state dict, or a checkpoint saved by MMEngine's
            Runner (a dict with ``state_dict``), of which the keys under ``prefix`` are kept,
            without it (e.g. an MMagic SR model's ``generator.``).
        prefix (str): Key prefix of the network in a Runner checkpoint. Default: 'generator.'.

    Returns:
        dict: The state dict.
    """
    checkpoint = load_from_local(filename, map_location='cpu')
    if 'state_dict' not in checkpoint:
        return checkpoint
    state_dict = {
        key[len(prefix):]: value
        for key, value in checkpoint['state_dict'].items() if key.startswith(prefix)
    }
    if not state_dict:
        raise KeyError(f'{filename} is a Runner checkpoint without keys under {prefix!r}: give '
                       'the prefix of the network in it')
    return state_dict


def allow_mmengine_checkpoints() -> None:
    """Make MMEngine load local checkpoints through :func:`load_from_local`."""
    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local, force=True)


def load_authors_state_dict(path: str, model_name: str) -> dict:
    """An authors' released checkpoint: a plain, non-empty state dict of tensors.

    Args:
        path (str): The file.
        model_name (str): The model's name, for messages.

    Returns:
        dict: The state dict.

    Raises:
        ValueError: With a message for the user, when ``path`` is missing or not such a file.
    """
    if not osp.isfile(path):
        raise ValueError(f'{model_name} checkpoint not found: {path}')
    state = safe_load(path, map_location='cpu')
    if not isinstance(state, dict) or not all(torch.is_tensor(v) for v in state.values()):
        raise ValueError(f"{path} is not a plain state dict of tensors like the authors' "
                         f'{model_name} checkpoints')
    if not state:
        raise ValueError(f"{path} holds no tensors: give the authors' {model_name} checkpoint")
    return state


def convert_authors_checkpoint(src: str, dst: str, convert, model_name: str,
                               force: bool = False) -> int:
    """Convert an authors' released state dict to an mmstvsr checkpoint file.

    Args:
        src (str): The authors' checkpoint: a plain state dict of tensors.
        dst (str): Output checkpoint, ``{'meta': ..., 'state_dict': {'generator.<key>': ...}}``,
            written atomically.
        convert (callable): Maps the authors' state dict to the generator's keys; raises
            ``KeyError`` on a key it does not know.
        model_name (str): The model's name, for messages.
        force (bool): Overwrite ``dst``. Default: False.

    Returns:
        int: The number of converted tensors.

    Raises:
        ValueError: With a message for the user, when ``src`` is missing or not such a
            checkpoint, or ``dst`` exists without ``force``.
    """
    if osp.exists(dst) and not force:
        raise ValueError(f'{dst} exists: pass --force to overwrite it')
    state = load_authors_state_dict(src, model_name)
    try:
        converted = convert(state)
    except KeyError as err:
        raise ValueError(f"{src} is not an authors' {model_name} checkpoint: {err}") from err
    checkpoint = dict(
        meta=dict(source=osp.basename(src), converter=f'{model_name.lower()}_to_mmstvsr'),
        state_dict={f'generator.{k}': v for k, v in converted.items()})
    with atomic_output(dst) as tmp:
        torch.save(checkpoint, tmp)
    return len(state)


def converter_cli(description: str, convert, model_name: str) -> None:
    """Command line of the ``tools/model_converters/<model>_to_mmstvsr.py`` tools.

    ``SRC DST [--force]``: :func:`convert_authors_checkpoint`, exiting non-zero with its message
    on bad input.

    Args:
        description (str): The tool's help text.
        convert (callable): The key conversion, see :func:`convert_authors_checkpoint`.
        model_name (str): The model's name, for messages.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('src', help="the authors' checkpoint (a state dict of their Net)")
    parser.add_argument('dst', help='output mmstvsr checkpoint')
    parser.add_argument('--force', action='store_true', help='overwrite an existing output')
    args = parser.parse_args()
    try:
        n = convert_authors_checkpoint(args.src, args.dst, convert, model_name, args.force)
    except ValueError as err:
        sys.exit(str(err))
    print(f'converted {n} tensors: {args.dst}')


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
