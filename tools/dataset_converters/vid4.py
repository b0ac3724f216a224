"""Make the LR set of Vid4: ``<root>/GT/<clip>/*.png`` to ``<root>/BIx<scale>/<clip>/*.png``.

The LR frames are made by ``generate_lr.py`` (mod-crop + MATLAB bicubic), bit-identical to the
online ``MATLABBicubicDownsample``; existing LR frames are kept unless ``--overwrite``, and an
interrupted run started again completes the rest.

Usage:
    python tools/dataset_converters/vid4.py data/vid4 --scale 4 --workers 2
"""
import argparse
import os.path as osp
import sys

from _common import check_dir, run_cli
from generate_lr import add_lr_arguments, generate_lr


def make_vid4_lr(root, scale=4, workers=1, overwrite=False):
    """Make ``<root>/BIx<scale>`` from ``<root>/GT``.

    Args:
        root (str): Vid4 root holding ``GT/<clip>/``.
        scale (int): Downsampling factor. Default: 4.
        workers (int): Processes. Default: 1.
        overwrite (bool): Rewrite existing LR frames. Default: False.

    Returns:
        tuple[int, int]: Frames written, and existing frames kept.
    """
    check_dir(root, 'Vid4 root', 'pass the folder holding GT/<clip>/')
    check_dir(osp.join(root, 'GT'), 'Vid4 GT folder',
              'the root must hold GT/<clip>/*.png (calendar, city, foliage, walk)')
    return generate_lr(osp.join(root, 'GT'), osp.join(root, f'BIx{scale}'), scale=scale,
                       workers=workers, overwrite=overwrite)


def parse_args(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Make the LR set of Vid4 (GT/<clip>/*.png to BIx<scale>/<clip>/*.png).',
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split('Usage:')[1])
    parser.add_argument('root', help='Vid4 root holding GT/<clip>/')
    add_lr_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None):
    """Command-line entry point.

    Args:
        argv (list[str] | None): Arguments; default ``sys.argv[1:]``.

    Returns:
        int: Exit status.
    """
    args = parse_args(argv)
    return run_cli(make_vid4_lr, args.root, scale=args.scale, workers=args.workers,
                   overwrite=args.overwrite)


if __name__ == '__main__':
    sys.exit(main())
