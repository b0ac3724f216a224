"""Space-time super-resolve a video: N frames in, (N - 1) * f + 1 frames out, s times larger.

INPUT is a video file (mp4, avi, mkv, mov...; read with OpenCV) or a folder of PNG/JPEG frames
(natural order); OUTPUT a video file (.mp4, .mkv, .mov: H.264 through PyAV, with the input's
audio when the whole input is processed at its own frame rate; .avi: Motion JPEG) or a folder of
PNG frames (00000000.png, ...). Frames are streamed in the model's test windows, so memory does not
grow with the length; --tile splits large frames into blended tiles. Without --config and
--checkpoint the default model is used (a tiny DBPN trained on the bundled clips, then flow
interpolation: mmstvsr/apis/default_model.py).

Examples:
    .venv/bin/python tools/inference.py in.mp4 out.mp4 --compare
    .venv/bin/python tools/inference.py frames/ out_frames/ --time-factor 4 --tile 128 --device cuda
    .venv/bin/python tools/inference.py in.mp4 out.avi \
        --config configs/baselines/bicubic-flow_x4_vimeo-septuplet.py
"""
import argparse
import logging
import os.path as osp
import sys
import warnings

# transformers and diffusers, imported by mmagic, call a torch API deprecated since torch 2.2
warnings.filterwarnings('ignore', r'`torch\.utils\._pytree\._register_pytree_node` is deprecated',
                        FutureWarning)
#: ``--codec`` choices (mmstvsr.apis.video_io.CODECS, not imported before parsing: --help is fast)
CODECS = ('h264', 'mp4v', 'mjpeg')
#: ``--precision`` choices (mmstvsr.utils.fast_path.PRECISIONS)
PRECISIONS = ('fp32', 'bf16', 'fp16')


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
    parser.add_argument(
        '--precision',
        choices=PRECISIONS,
        help='fp32 (default; channels_last on the CPU), bf16 (CPUs with AVX512-BF16/AMX, CUDA; '
        'faster on such a CPU, Y-PSNR within 0.01 dB of fp32 on the bundled test clips) or fp16 '
        '(CUDA only): autocast dtype of the model, warps and deformable convolutions staying in '
        'float32')
    parser.add_argument(
        '--fp16', action='store_true', help='deprecated alias of --precision fp16 (CUDA only)')
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
        '--codec',
        choices=CODECS,
        help='codec of a video OUTPUT: h264 (PyAV/libx264, plays in browsers, keeps the audio; '
        'default, except mjpeg for .avi), mp4v (OpenCV, MPEG-4 Part 2) or mjpeg (OpenCV); '
        'without PyAV/libx264, h264 falls back to mp4v with a notice')
    parser.add_argument(
        '--crf',
        type=int,
        default=18,
        help='H.264 quality, 0-51: lower is better and larger (default: 18, visually lossless)')
    parser.add_argument(
        '--compare',
        action='store_true',
        help='also write the first 10 s side by side (input upscaled bicubically | output) to '
        'OUTPUT_compare.mp4')
    parser.add_argument(
        '--verbose', action='store_true', help="show MMEngine's log lines (model loading...)")
    parser.add_argument(
        '--debug', action='store_true', help='show the traceback of an error, not just its line')
    return parser.parse_args(argv)


def summary(result: dict) -> str:
    """The lines printed after a run: what was written, frames, size, frame rate, time."""
    width, height = result['size']
    size = result['bytes'] / 1e6
    written = f"{result['codec']}" + (' with audio' if result['audio'] else '')
    lines = [f"{result['num_inputs']} frames -> {result['num_outputs']} frames of "
             f"{width}x{height} at {result['fps']:g} fps: {result['output']} ({written}, "
             f"{size:.2f} MB, {result['seconds']:.1f} s)"]
    if result['compare']:
        lines.append(f"comparison (input | output): {result['compare']}")
    return '\n'.join([f'note: {n}' for n in result['notes']] + lines)


def main(argv=None):
    args = parse_args(argv)
    from mmengine.logging import MMLogger

    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        run(args)
    finally:  # when called in a process that goes on (tests)
        logger.setLevel(level)


def run(args):
    """Run the inference of the parsed ``args``: print the summary, or exit with one line."""
    from mmstvsr.apis import InferenceError, STVSRInferencer, resolve_model
    from mmstvsr.apis.video_io import partial_folder
    try:
        config, checkpoint = resolve_model(args.config, args.checkpoint)
        if args.fp16:
            print('note: --fp16 is deprecated: use --precision fp16', file=sys.stderr)
        inferencer = STVSRInferencer(config, checkpoint, device=args.device, fp16=args.fp16,
                                     precision=args.precision)
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
            resume=args.resume,
            codec=args.codec,
            crf=args.crf,
            compare=args.compare)
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
    print(summary(result))


if __name__ == '__main__':
    main()
