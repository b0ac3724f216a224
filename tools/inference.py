"""Space-time super-resolve a video: N frames in, (N - 1) * f + 1 frames out, s times larger.

INPUT is a video file (mp4, avi, mkv, mov...; read with OpenCV, audio ignored) or a folder of
PNG/JPEG frames (natural order); OUTPUT a video file (.mp4, .avi, .mkv, .mov) or a folder of PNG
frames (00000000.png, ...). Frames are streamed in the model's test windows, so memory does not
grow with the length; --tile splits large frames into blended tiles. Without --config and
--checkpoint the default model is used (a tiny DBPN trained on the bundled clips, then flow
interpolation: mmstvsr/apis/default_model.py).

Examples:
    .venv/bin/python tools/inference.py in.mp4 out.mp4
    .venv/bin/python tools/inference.py frames/ out_frames/ --time-factor 4 --tile 128 --device cuda
    .venv/bin/python tools/inference.py in.mp4 out.avi \
        --config configs/baselines/bicubic-flow_x4_vimeo-septuplet.py
"""
import argparse
import os.path as osp
import sys

from mmstvsr.apis import InferenceError, STVSRInferencer, resolve_model
from mmstvsr.apis.video_io import partial_folder


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Space-time super-resolve a video file or a folder of frames')
    parser.add_argument('input', help='video file or folder of PNG/JPEG frames')
    parser.add_argument(
        'output', help='video file (.mp4, .avi, .mkv, .mov) or folder for PNG frames')
    parser.add_argument(
        '--config', help='model config (default: see mmstvsr/apis/default_model.py)')
    parser.add_argument(
        '--checkpoint',
        help='model checkpoint (not needed for non-learned configs such as '
        'configs/baselines/bicubic-flow_x4_vimeo-septuplet.py)')
    parser.add_argument(
        '--time-factor',
        type=int,
        default=2,
        help='temporal factor f: f - 1 new frames between neighbouring inputs (default: 2; '
        "above 2 only for models that accept several t', such as STINet)")
    parser.add_argument(
        '--device', help='cpu, cuda or cuda:N (default: cuda when available, else cpu)')
    parser.add_argument('--fp16', action='store_true', help='half-precision model (CUDA only)')
    parser.add_argument('--start-frame', type=int, default=0, help='first input frame')
    parser.add_argument(
        '--end-frame', type=int, help='input frame after the last one (default: the end)')
    parser.add_argument(
        '--tile',
        type=int,
        default=0,
        help='tile size in LR pixels, to bound memory on large frames (default: 0, no tiles)')
    parser.add_argument(
        '--tile-overlap',
        type=int,
        default=16,
        help='overlap of neighbouring tiles in LR pixels; its outer quarters are discarded and '
        'the middle half cross-faded (default: 16)')
    parser.add_argument(
        '--fps',
        type=float,
        help='input frame rate (default: the video\'s own, 25 for a frame folder); the output '
        'runs at fps x time factor')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing OUTPUT')
    parser.add_argument(
        '--resume',
        action='store_true',
        help='continue an interrupted run into a frame-folder OUTPUT, keeping its frames')
    parser.add_argument(
        '--debug', action='store_true', help='show the traceback of an error, not just its line')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        config, checkpoint = resolve_model(args.config, args.checkpoint)
        inferencer = STVSRInferencer(config, checkpoint, device=args.device, fp16=args.fp16)
        result = inferencer(
            args.input,
            args.output,
            time_factor=args.time_factor,
            start_frame=args.start_frame,
            end_frame=args.end_frame,
            fps=args.fps,
            tile=args.tile,
            tile_overlap=args.tile_overlap,
            overwrite=args.overwrite,
            resume=args.resume)
    except (InferenceError, OSError) as err:
        if args.debug:
            raise
        if isinstance(err, OSError) and not isinstance(err, InferenceError):
            err = (f'{err.strerror or err} ({err.filename or "a file"}): free some space or fix '
                   'the permissions, or choose another OUTPUT; --debug shows where it happened')
        print(f'error: {err}', file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        kept = osp.isdir(partial_folder(args.output))
        print('interrupted' + (' (rerun with --resume to continue)' if kept else ''),
              file=sys.stderr)
        sys.exit(130)
    width, height = result['size']
    print(f"{result['num_inputs']} frames -> {result['num_outputs']} frames of {width}x{height} "
          f"at {result['fps']:g} fps: {result['output']}")


if __name__ == '__main__':
    main()
