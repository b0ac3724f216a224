"""Convert the DSFN authors' released checkpoints to an mmstvsr checkpoint.

SRC is any of the authors' files, recognised by its keys: the whole model (``STSR_best.pth``, or
any ``STSR_*.pth`` that their ``train.py`` saves), ESPCN alone (``ESPCN.pth``) or Super SloMo
alone (``SuperSloMo.pth``). As their ``test_model.py --sr_weight --it_weight``, ``--sr-weight``
and ``--it-weight`` replace the whole model's M_S and M_T by those files; the README's
evaluation uses all three. The whole model loads into
``configs/dsfn/dsfn-authors_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py`` (``tools/test.py
CONFIG DST``); a file of ESPCN or Super SloMo alone gives ``generator.spatial.backbone.*`` or
``generator.temporal.backbone.*`` keys, for ``SpatialUpsampler`` / ``TemporalUpsampler`` with
``init_cfg=dict(type='Pretrained', checkpoint=DST, prefix='generator.spatial.backbone.')`` /
``prefix='generator.temporal.backbone.'``. The key mapping is documented in
``mmstvsr/models/editors/dsfn/checkpoint_conversion.py``.

Example:
    .venv/bin/python tools/model_converters/dsfn_to_mmstvsr.py STSR_best.pth dsfn_authors.pth \
        --sr-weight ESPCN.pth --it-weight SuperSloMo.pth
"""
import argparse
import sys

from _authors_checkpoint import convert_authors_checkpoint, load_authors_state_dict

from mmstvsr.models.editors.dsfn.checkpoint_conversion import convert_dsfn_state_dict

NAMES = {'sr': 'ESPCN', 'it': 'Super SloMo'}


def convert_part(path: str, part: str) -> dict:
    """Our keys of an authors' ESPCN (``part='sr'``) or Super SloMo (``'it'``) file.

    Raises:
        ValueError: With a message for the user, when the file is not such a checkpoint.
    """
    name = NAMES[part]
    state = load_authors_state_dict(path, name)
    try:
        return convert_dsfn_state_dict(state, part)
    except KeyError as err:
        raise ValueError(f"{path} is not the authors' {name} checkpoint: {err}") from err


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help="the authors' STSR, ESPCN or Super SloMo state dict")
    parser.add_argument('dst', help='output mmstvsr checkpoint')
    parser.add_argument('--sr-weight', help="the authors' ESPCN.pth, replacing M_S of SRC")
    parser.add_argument('--it-weight', help="the authors' SuperSloMo.pth, replacing M_T of SRC")
    parser.add_argument('--force', action='store_true', help='overwrite an existing output')
    args = parser.parse_args()
    parts = {'sr': args.sr_weight, 'it': args.it_weight}

    def convert(state_dict: dict) -> dict:
        converted = convert_dsfn_state_dict(state_dict)
        for part, path in parts.items():
            if path is not None:
                converted.update(convert_part(path, part))
        return converted

    try:
        n = convert_authors_checkpoint(args.src, args.dst, convert, 'DSFN', args.force)
    except ValueError as err:
        sys.exit(str(err))
    extra = ', '.join(f'{NAMES[p]} from {path}' for p, path in parts.items() if path)
    print(f'converted {n} tensors: {args.dst}' + (f' ({extra})' if extra else ''))


if __name__ == '__main__':
    main()
