"""Authors' released checkpoints -> mmstvsr checkpoints, shared by the ``*_to_mmstvsr.py`` tools.

Each tool maps the authors' keys with the ``convert_*_state_dict`` of its model
(``mmstvsr/models/editors/<model>/checkpoint_conversion.py``); this module reads the authors'
file, writes the converted checkpoint, and is their command line. The tools import it as
``_authors_checkpoint``, the way ``tools/dataset_converters/*.py`` import their ``_common``.
"""
import argparse
import os.path as osp
import sys

import torch

from mmstvsr.utils.checkpoint import safe_load
from mmstvsr.utils.files import atomic_output


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
