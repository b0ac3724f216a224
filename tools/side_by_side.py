"""One input frame, MATLAB bicubic and a model's output, side by side in one PNG.

Reads input frames K and K+1 of a video file or frame folder, space-time super-resolves them with
a model (default: the default model of tools/inference.py), and writes a picture of three
panels of the output size: the LR input frame K enlarged by pixel repetition, its MATLAB-bicubic
upsampling, and the model's output at the time of frame K. ``--crop`` keeps a region of the HR
frame (x y w h, in output pixels) to show details larger.

Example:
    .venv/bin/python tools/side_by_side.py tests/data/videos/carphone_96x64.mp4 \
        docs/side_by_side.png --frame 4
"""
import argparse
import os
import os.path as osp
import sys
import warnings

import cv2
import numpy as np

# transformers and diffusers, imported by mmagic, call a torch API deprecated since torch 2.2
warnings.filterwarnings('ignore', r'`torch\.utils\._pytree\._register_pytree_node` is deprecated',
                        FutureWarning)
LABEL_HEIGHT = 22


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Input frame, bicubic and model output side by side')
    parser.add_argument('input', help='video file or folder of frames')
    parser.add_argument('output', help='PNG file to write')
    parser.add_argument('--frame', type=int, default=0, help='input frame to show (default: 0)')
    parser.add_argument(
        '--config', help='model config (default: the default model of tools/inference.py)')
    parser.add_argument('--checkpoint', help='model checkpoint')
    parser.add_argument('--label', default='ours', help='label of the model panel')
    parser.add_argument(
        '--crop', type=int, nargs=4, metavar=('X', 'Y', 'W', 'H'),
        help='region of the output frame to show, in output pixels (default: all)')
    parser.add_argument('--device', help='cpu or cuda (default: cuda when available)')
    parser.add_argument(
        '--between', action='store_true',
        help='show the in-between output at t\'=0.5 between input frames FRAME and FRAME+1 '
        '(FRAME+G with --input-gap; panels: the two inputs blended, bicubic of both blended, the '
        'model) instead of the output at the time of FRAME')
    parser.add_argument(
        '--input-gap', type=int, default=1, metavar='G',
        help='with --between: the second input is frame FRAME+G (default: 1), e.g. 2 to leave out '
        'frame FRAME+1 of a clip and compare with it (--gt)')
    parser.add_argument(
        '--gt', metavar='PATH',
        help='ground-truth HR image of the frame shown (with --between: the true middle frame), '
        'added as a last panel')
    return parser.parse_args(argv)


def labelled(panel: np.ndarray, text: str) -> np.ndarray:
    """The BGR panel ``(H, W, 3)`` under a white bar holding ``text``."""
    from mmstvsr.utils.pictures import text_tile  # mmstvsr after parsing: --help is fast
    bar = text_tile(panel.shape[1], LABEL_HEIGHT, [(4, text)], font_scale=0.5, margin=7)
    return np.concatenate([bar, panel])


def make_panels(lr: np.ndarray, output: np.ndarray, scale: int, label: str,
                crop=None, lr_next: np.ndarray = None, gt: np.ndarray = None) -> np.ndarray:
    """Labelled panels: pixel-repeated input, bicubic, model output (and the ground truth).

    Args:
        lr (np.ndarray): LR input frame ``(h, w, 3)``, BGR uint8.
        output (np.ndarray): The model's output at the time of ``lr`` (or, with ``lr_next``,
            half-way to it), ``(s*h, s*w, 3)``.
        scale (int): Spatial scale s.
        label (str): Label of the model panel.
        crop (tuple[int], optional): ``(x, y, w, h)`` region in output pixels.
        lr_next (np.ndarray, optional): The next LR input frame: the input and bicubic panels
            show the average of the two frames (what a blend of the inputs makes at t' = 0.5).
        gt (np.ndarray, optional): Ground-truth HR frame ``(s*h, s*w, 3)``, a last panel.

    Returns:
        np.ndarray: The picture, BGR uint8.
    """
    from mmstvsr.apis import InferenceError  # mmstvsr after parsing: --help is fast
    from mmstvsr.utils.matlab_resize import imresize_matlab

    h, w = lr.shape[:2]
    lrs = [lr] if lr_next is None else [lr, lr_next]
    nearest = np.mean([cv2.resize(f, (w * scale, h * scale), interpolation=cv2.INTER_NEAREST)
                       for f in lrs], axis=0).round().astype(np.uint8)
    bicubic = np.mean([imresize_matlab(f, scale) for f in lrs], axis=0).round().astype(np.uint8)
    panels = [nearest, bicubic, output]
    if lr_next is None:
        names = [f'input (x{scale} pixel repetition)', 'bicubic (MATLAB)', label]
    else:
        names = [f'both inputs blended (x{scale})', 'bicubic + blend', f"{label} (t'=0.5)"]
    if gt is not None:
        if gt.shape != output.shape:
            raise InferenceError(f'--gt is {gt.shape[1]}x{gt.shape[0]}, not the '
                                 f'{output.shape[1]}x{output.shape[0]} output frame')
        panels.append(gt)
        names.append('ground truth')
    if crop is not None:
        x, y, cw, ch = crop
        if x < 0 or y < 0 or cw < 1 or ch < 1 or x + cw > w * scale or y + ch > h * scale:
            raise InferenceError(f'--crop {x} {y} {cw} {ch} is not inside the {w * scale}x'
                                 f'{h * scale} output frame')
        panels = [p[y:y + ch, x:x + cw] for p in panels]
    gap = np.full((panels[0].shape[0] + LABEL_HEIGHT, 4, 3), 255, np.uint8)
    row = []
    for panel, name in zip(panels, names):
        row += [gap, labelled(panel, name)] if row else [labelled(panel, name)]
    return np.concatenate(row, axis=1)


def main(argv=None):
    args = parse_args(argv)
    from mmstvsr.apis import InferenceError, STVSRInferencer, open_source, resolve_model
    from mmstvsr.apis.video_io import check_writable
    from mmstvsr.utils.files import write_png

    try:
        if args.frame < 0:
            raise InferenceError(f'--frame must be 0 or more, got {args.frame}')
        gap = args.input_gap if args.between else 1
        if gap < 1:
            raise InferenceError(f'--input-gap must be 1 or more, got {gap}')
        check_writable(args.output)
        source = open_source(args.input, args.frame, args.frame + gap + 1)
        frames = list(source.frames())[::gap]
        if len(frames) < 2:
            raise InferenceError(f'--frame {args.frame}: frames {args.frame} and '
                                 f'{args.frame + gap} of {args.input} are needed')
        config, checkpoint = resolve_model(args.config, args.checkpoint)
        inferencer = STVSRInferencer(config, checkpoint, device=args.device)
        gt = None
        if args.gt is not None:
            gt = cv2.imread(args.gt, cv2.IMREAD_COLOR)
            if gt is None:
                raise InferenceError(f'--gt {args.gt} is not an image file')
        # outputs at the times of frames FRAME, FRAME + 0.5 and FRAME + 1
        output = inferencer.predict(frames)[1 if args.between else 0]
        picture = make_panels(frames[0], output, inferencer.scale, args.label, args.crop,
                              frames[1] if args.between else None, gt)
    except InferenceError as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(1)
    try:
        os.makedirs(osp.dirname(osp.abspath(args.output)), exist_ok=True)
        write_png(args.output, picture)
    except OSError as err:
        sys.exit(f'error: writing {args.output} failed ({err.strerror or err}): free some space '
                 'or choose another OUTPUT')
    print(f'{args.output}: {picture.shape[1]}x{picture.shape[0]}')


if __name__ == '__main__':
    main()
