"""Plot training curves (losses, validation metrics) from the ``scalars.json`` of a run.

MMEngine writes one JSON object per logged step to ``<work_dir>/<timestamp>/vis_data/
scalars.json``: training lines carry ``iter`` (loss, lr, ...), validation lines the metrics
(``Y-PSNR``, ...). Given a work dir, the newest run's file is read. Each key gets its own panel,
against the training iteration (a validation line is placed at the iteration logged before it).

Example:
    .venv/bin/python tools/analysis/plot_curves.py work_dirs/own --keys loss Y-PSNR \
        --out curves.png
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')  # no display needed
import matplotlib.pyplot as plt  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Plot training curves from scalars.json')
    parser.add_argument('path', help='work dir of a run, or its scalars.json')
    parser.add_argument('--keys', nargs='+', default=['loss'],
                        help='scalars to plot, one panel each (default: loss)')
    parser.add_argument('--out', default='curves.png', help='PNG to write (default: curves.png)')
    parser.add_argument('--title', help='title of the figure (default: the file read)')
    return parser.parse_args(argv)


def find_scalars(path: str) -> str:
    """``path`` if it is a file, else the newest ``*/vis_data/scalars.json`` under the folder."""
    if osp.isfile(path):
        return path
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path} not found: give a work dir or its scalars.json')
    found = glob.glob(osp.join(path, '**', 'vis_data', 'scalars.json'), recursive=True)
    if not found:
        raise FileNotFoundError(f'{path} holds no */vis_data/scalars.json: was it the work dir of '
                                'a training run (tools/train.py --work-dir)?')
    return max(found, key=lambda f: (osp.getmtime(f), f))


def read_curves(path: str) -> Dict[str, Tuple[List[float], List[float]]]:
    """``{key: (iterations, values)}`` of every numeric scalar of a ``scalars.json``."""
    curves: Dict[str, Tuple[List[float], List[float]]] = {}
    last_iter = 0
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise ValueError(f'{path}, line {number}: not JSON ({line.strip()[:60]})') from None
            last_iter = record.get('iter', last_iter)
            for key, value in record.items():
                if key in ('iter', 'step', 'epoch') or not isinstance(value, (int, float)):
                    continue
                xs, ys = curves.setdefault(key, ([], []))
                xs.append(last_iter)
                ys.append(value)
    if not curves:
        raise ValueError(f'{path} is empty: the run logged nothing yet (see default_hooks.logger.'
                         'interval)')
    return curves


def plot(curves: Dict[str, Tuple[List[float], List[float]]], keys: Sequence[str], out: str,
         title: str) -> None:
    """Draw one panel per key, stacked, and save the figure as ``out``."""
    missing = [key for key in keys if key not in curves]
    if missing:
        raise KeyError(f'{", ".join(missing)} not logged; the file holds '
                       f'{", ".join(sorted(curves))}')
    fig, axes = plt.subplots(len(keys), 1, figsize=(6, 2.2 * len(keys)), sharex=True,
                             squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        xs, ys = curves[key]
        ax.plot(xs, ys, marker='o' if len(xs) < 30 else None, markersize=3)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel('iteration')
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    try:
        path = find_scalars(args.path)
        curves = read_curves(path)
        plot(curves, args.keys, args.out, args.title or path)
    except (OSError, ValueError) as err:
        sys.exit(f'error: {err}')
    except KeyError as err:
        sys.exit(f'error: {err.args[0]}')
    print(f'{args.out}: {", ".join(args.keys)} from {path}')


if __name__ == '__main__':
    main()
