"""tools/inference.py end to end on real clips: counts, sizes, frame rates, bad inputs, memory."""
import errno
import os
import os.path as osp
import shutil
import subprocess
import sys
import tempfile

import av
import cv2
import pytest
import torch
from mmagic.registry import MODELS
from mmengine.config import Config

from mmstvsr.apis import DEFAULT_CONFIG, InferenceError, default_model, video_io

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'inference.py')
VIDEO = osp.join(ROOT, 'tests', 'data', 'videos', 'carphone_96x64.mp4')  # 12 frames, 29.97 fps
AUDIO_VIDEO = osp.join(ROOT, 'tests', 'data', 'videos', 'carphone_96x64_audio.mp4')
FRAMES = osp.join(ROOT, 'tests', 'data', 'vid4', 'GT', 'carphone')  # 10 frames
BICUBIC_FLOW = osp.join(ROOT, 'configs', 'baselines', 'bicubic-flow_x4_vimeo-septuplet.py')
TINY = osp.join(ROOT, 'configs', 'baselines', 'residual-stvsr-tiny_x4_vimeo-septuplet.py')
FLOW = ['--config', BICUBIC_FLOW]


def test_video_to_video(run_tool, read_video, tmp_path):
    out = tmp_path / 'out.mp4'
    code, stdout, stderr = run_tool(VIDEO, out, *FLOW)
    assert code == 0, stderr
    assert '12 frames -> 23 frames of 384x256 at 59.94 fps' in stdout and '(h264, ' in stdout
    assert '23/23' in stderr and 'frame/s' in stderr  # the progress bar
    frames, fps = read_video(out)
    assert len(frames) == 23 and frames[0].shape == (256, 384, 3)
    assert fps == pytest.approx(59.94, abs=1e-2)
    assert os.listdir(tmp_path) == ['out.mp4']  # no temporary file left


def test_time_factor_and_frame_range(run_tool, read_video, tmp_path):
    out = tmp_path / 'out.avi'
    assert run_tool(VIDEO, out, *FLOW, '--time-factor', 3)[0] == 0
    frames, fps = read_video(out)
    assert len(frames) == 3 * 12 - 2 and fps == pytest.approx(3 * 29.97, abs=1e-2)
    code, stdout, _ = run_tool(VIDEO, tmp_path / 'part.mkv', *FLOW, '--start-frame', 2,
                               '--end-frame', 7)
    assert code == 0 and '5 frames -> 9 frames' in stdout
    assert len(read_video(tmp_path / 'part.mkv')[0]) == 9


def test_frame_folders_and_fps(run_tool, read_video, tmp_path):
    out = tmp_path / 'frames'
    assert run_tool(FRAMES, out, *FLOW)[0] == 0
    names = sorted(os.listdir(out))
    assert names[1:] == [f'{i:08d}.png' for i in range(19)]  # after the manifest
    assert cv2.imread(str(out / names[-1])).shape == (256, 384, 3)
    assert run_tool(out, tmp_path / 'again.mp4', *FLOW, '--start-frame', 15)[0] == 0
    frames, fps = read_video(tmp_path / 'again.mp4')
    assert len(frames) == 7 and frames[0].shape == (1024, 1536, 3) and fps == 50  # 25 fps x 2
    assert run_tool(FRAMES, tmp_path / 'slow.mp4', *FLOW, '--fps', 10)[0] == 0
    assert read_video(tmp_path / 'slow.mp4')[1] == 20


def _streams(path):
    """``[(type, codec name, decoded frames of a video stream)]`` of a file, read by PyAV."""
    with av.open(str(path)) as container:
        return [(s.type, s.codec_context.name,
                 sum(1 for _ in container.decode(s)) if s.type == 'video' else None)
                for s in container.streams]


def test_audio_track_is_copied_when_the_timing_is_kept(run_tool, read_video, tmp_path):
    """12 frames at 29.97 fps -> 23 at 59.94: the same duration, give or take half an input
    frame, so the input's audio is copied; a frame range or another --fps would shift it."""
    code, stdout, stderr = run_tool(AUDIO_VIDEO, tmp_path / 'out.mp4', *FLOW)
    assert code == 0, stderr
    assert 'h264 with audio' in stdout and 'note:' not in stdout
    assert _streams(tmp_path / 'out.mp4') == [('video', 'h264', 23), ('audio', 'aac', None)]
    for option in (['--end-frame', 6], ['--fps', 10]):
        code, stdout, _ = run_tool(AUDIO_VIDEO, tmp_path / 'part.mp4', *FLOW, *option,
                                   '--overwrite')
        assert code == 0
        assert 'note: the audio of the input is dropped: --start-frame, --end-frame or --fps ' \
            'change its timing' in stdout
        assert [s[0] for s in _streams(tmp_path / 'part.mp4')] == ['video']
    code, stdout, _ = run_tool(AUDIO_VIDEO, tmp_path / 'old.mp4', *FLOW, '--codec', 'mp4v')
    assert code == 0 and 'note: the audio of the input is dropped: --codec mp4v' in stdout
    assert _streams(tmp_path / 'old.mp4') == [('video', 'mpeg4', 23)]
    assert len(read_video(tmp_path / 'old.mp4')[0]) == 23


def test_compare_video(run_tool, read_video, tmp_path):
    out = tmp_path / 'out.mp4'
    code, stdout, stderr = run_tool(VIDEO, out, *FLOW, '--compare', '--crf', 23)
    assert code == 0, stderr
    assert f'comparison (input | output): {tmp_path / "out_compare.mp4"}' in stdout
    frames, _ = read_video(tmp_path / 'out_compare.mp4')
    outputs, _ = read_video(out)
    assert len(frames) == 23 and frames[0].shape == (256 + 20, 2 * 384 + 4, 3)
    assert cv2.PSNR(frames[5][20:, 388:], outputs[5]) > 30  # the right panel is the output
    assert sorted(os.listdir(tmp_path)) == ['out.mp4', 'out_compare.mp4']
    code, _, stderr = run_tool(VIDEO, tmp_path / 'other.mp4', *FLOW, '--compare')
    assert code == 0 and _streams(tmp_path / 'other_compare.mp4')[0][1] == 'h264'
    code, _, stderr = run_tool(VIDEO, tmp_path / 'other.avi', *FLOW, '--compare')
    assert code == 1 and 'other_compare.mp4 exists: pass --overwrite' in stderr
    code, _, stderr = run_tool(VIDEO, tmp_path / 'j.mkv', *FLOW, '--compare', '--codec', 'mjpeg')
    assert code == 0 and _streams(tmp_path / 'j_compare.mp4')[0][1] == 'h264'  # not in MP4
    assert _streams(tmp_path / 'j.mkv')[0][1] == 'mjpeg'
    for name in ('j.mkv', 'j_compare.mp4', 'other.mp4', 'other_compare.mp4'):
        os.remove(tmp_path / name)
    code, _, stderr = run_tool(VIDEO, tmp_path / 'frames', *FLOW, '--compare', '--resume')
    assert code == 1 and 'cannot be combined with --resume' in stderr
    code, _, stderr = run_tool(VIDEO, out, *FLOW, '--overwrite', '--crf', 60)
    assert code == 1 and '--crf must lie in 0-51' in stderr
    assert sorted(os.listdir(tmp_path)) == ['out.mp4', 'out_compare.mp4']  # nothing left


def test_the_quick_start_prints_a_bar_and_a_summary(tmp_path):
    """The README's quick start used to print 8 warning lines and 148 lines of MMEngine's log
    before its one useful line: now a progress bar (lines ending in \\r) and the summary."""
    out = tmp_path / 'carphone_x4_x2.mp4'
    res = subprocess.run([sys.executable, TOOL, VIDEO, str(out), '--overwrite'], cwd=ROOT,
                         capture_output=True)  # bytes: text mode would turn \r into \n
    stdout, stderr = res.stdout.decode(), res.stderr.decode()
    assert res.returncode == 0, stderr
    lines = [line for line in (stdout + stderr).split('\n') if line.strip() and '\r' not in line]
    assert len(lines) <= 6, lines
    assert lines == [f'12 frames -> 23 frames of 384x256 at 59.94 fps: {out} (h264, '
                     f'{os.path.getsize(out) / 1e6:.2f} MB, ' + lines[0].split(', ')[-1]], lines
    assert 'Warning' not in stderr and '23/23' in stderr
    verbose = subprocess.run([sys.executable, TOOL, VIDEO, str(out), '--overwrite', '--verbose',
                              '--end-frame', '3'], cwd=ROOT, capture_output=True, text=True)
    assert verbose.returncode == 0 and 'mmengine - INFO' in verbose.stdout


def test_default_model_and_checkpoints(run_tool, tmp_path, monkeypatch, real_frames):
    monkeypatch.setattr(default_model, 'DEFAULT_CHECKPOINT', str(tmp_path / 'missing.pth'))
    code, _, stderr = run_tool(VIDEO, tmp_path / 'out.mp4')
    assert code == 1 and 'default checkpoint' in stderr and 'missing.pth is missing' in stderr
    assert '--config CONFIG --checkpoint CKPT' in stderr
    code, _, stderr = run_tool(VIDEO, tmp_path / 'out.mp4', '--config', TINY)
    assert code == 1 and 'learned model: give its checkpoint (--checkpoint)' in stderr
    # --checkpoint alone: the default config (the tiny STINet), here with random weights
    ckpt = tmp_path / 'stinet.pth'
    torch.save(MODELS.build(Config.fromfile(DEFAULT_CONFIG).model).state_dict(), ckpt)
    small = tmp_path / 'small'
    small.mkdir()
    for i in range(3):
        cv2.imwrite(str(small / f'{i}.png'), real_frames[i][:32, :48])
    code, stdout, stderr = run_tool(small, tmp_path / 'sr', '--checkpoint', ckpt,
                                    '--time-factor', 3)
    assert code == 0, stderr
    assert '3 frames -> 7 frames of 192x128' in stdout
    assert len(os.listdir(tmp_path / 'sr')) == 8  # and the manifest
    assert not (tmp_path / 'out.mp4').exists()


def test_default_model_runs_without_options(run_tool, read_video, tmp_path):
    """The shipped default model (see mmstvsr/apis/default_model.py) on a real clip."""
    assert osp.isfile(default_model.DEFAULT_CHECKPOINT)
    code, stdout, stderr = run_tool(VIDEO, tmp_path / 'out.mp4', '--end-frame', 4)
    assert code == 0, stderr
    assert '4 frames -> 7 frames of 384x256' in stdout
    frames, _ = read_video(tmp_path / 'out.mp4')
    assert len(frames) == 7 and frames[0].shape == (256, 384, 3)


def _bad_inputs(tmp, real_frames, write_video):
    """``(name, args, expected message)`` of each bad-input case, built in ``tmp``."""
    text = tmp / 'text.mp4'
    text.write_text('not a video')
    data = open(write_video(tmp / 'clip.mp4', real_frames), 'rb').read()
    (tmp / 'cut.mp4').write_bytes(data[:len(data) // 2])
    mixed = tmp / 'mixed'
    mixed.mkdir()
    cv2.imwrite(str(mixed / '0.png'), real_frames[0])
    cv2.imwrite(str(mixed / '1.png'), real_frames[1][:48])
    single = tmp / 'single'
    single.mkdir()
    cv2.imwrite(str(single / '0.png'), real_frames[0])
    existing = tmp / 'existing.mp4'
    existing.write_bytes(b'an earlier result')
    (tmp / 'start_cut.mp4').write_bytes(open(VIDEO, 'rb').read()[200:])
    truncated_png = tmp / 'truncated_png'
    shutil.copytree(FRAMES, truncated_png)
    png = (truncated_png / 'Frame 005.png').read_bytes()
    (truncated_png / 'Frame 005.png').write_bytes(png[:len(png) // 2])
    (tmp / 'notes.pth').write_text('not a checkpoint\n')
    return [
        ('start cut', [tmp / 'start_cut.mp4', 'OUT.mp4'], 'header declares a frame count of'),
        ('truncated png', [truncated_png, 'OUT'], 'Frame 005.png is not a readable image'),
        ('range past the end', [VIDEO, 'OUT', '--start-frame', 5, '--end-frame', 6],
         'holds 1 frame(s)'),
        ('device name', [VIDEO, 'OUT.mp4', '--device', 'gpu'], "unknown device 'gpu'"),
        ('text checkpoint', [VIDEO, 'OUT.mp4', '--checkpoint', tmp / 'notes.pth'],
         'notes.pth is not a PyTorch checkpoint'),
        ('missing', [tmp / 'missing.mp4', 'OUT.mp4'], 'input not found'),
        ('not a video', [text, 'OUT.mp4'], 'cannot be read as a video'),
        ('truncated', [tmp / 'cut.mp4', 'OUT.mp4'], 'truncated'),
        ('mixed sizes', [mixed, 'OUT.mp4'], 'differ in size: 0.png is 96x64 but 1.png is 96x48'),
        ('one frame', [single, 'OUT'], 'has 1 frame(s)'),
        ('one frame selected', [VIDEO, 'OUT', '--start-frame', 11], 'at least two frames'),
        ('output extension', [VIDEO, 'OUT.gif'], "unknown output extension '.gif'"),
        ('existing output', [VIDEO, existing], 'exists: pass --overwrite'),
        ('time factor', [VIDEO, 'OUT.mp4', '--time-factor', 1], 'integer >= 2'),
        ('tile overlap', [VIDEO, 'OUT.mp4', '--tile', 16, '--tile-overlap', 16],
         'overlap < --tile'),
        ('fp16 on cpu', [VIDEO, 'OUT.mp4', '--device', 'cpu', '--fp16'], '--device cuda'),
        ('precision fp16 on cpu', [VIDEO, 'OUT.mp4', '--device', 'cpu', '--precision', 'fp16'],
         'precision fp16 is not available on cpu'),
    ]


def test_bad_inputs_fail_cleanly(run_tool, tmp_path, real_frames, write_video):
    inputs = tmp_path / 'inputs'
    inputs.mkdir()
    for name, args, message in _bad_inputs(inputs, real_frames, write_video):
        out_dir = tmp_path / name.replace(' ', '_')
        out_dir.mkdir()
        args = [out_dir / a if str(a).startswith('OUT') else a for a in args]
        code, _, stderr = run_tool(*args, *FLOW)
        assert code == 1, name
        assert message in stderr, (name, stderr)
        assert 'Traceback' not in stderr and stderr.count('error:') == 1, (name, stderr)
        assert os.listdir(out_dir) == [], name  # nothing written, not even a temporary file
    assert (inputs / 'existing.mp4').read_bytes() == b'an earlier result'
    if not torch.cuda.is_available():
        code, _, stderr = run_tool(VIDEO, tmp_path / 'out.mp4', *FLOW, '--device', 'cuda')
        assert code == 1 and 'CUDA is not available' in stderr


def test_overwrite_and_resume(run_tool, tmp_path):
    out = tmp_path / 'frames'
    assert run_tool(VIDEO, out, *FLOW, '--end-frame', 4)[0] == 0
    code, _, stderr = run_tool(VIDEO, out, *FLOW)
    assert code == 1 and 'pass --resume' in stderr
    code, _, stderr = run_tool(VIDEO, out, *FLOW, '--resume')  # other settings
    assert code == 1 and 'num_frames: 4 -> 12' in stderr
    os.remove(out / '00000006.png')
    code, stdout, stderr = run_tool(VIDEO, out, *FLOW, '--end-frame', 4, '--resume')
    assert code == 0 and '7/7' in stderr
    assert len(os.listdir(out)) == 8
    assert run_tool(VIDEO, out, *FLOW, '--overwrite')[0] == 0
    assert len(os.listdir(out)) == 24
    video = tmp_path / 'out.mp4'
    shutil.copy(VIDEO, video)
    assert run_tool(VIDEO, video, *FLOW, '--overwrite')[0] == 0
    assert os.listdir(tmp_path) == ['frames', 'out.mp4']


def _peak_memory_mb(args, log):
    """Peak resident memory of ``tools/inference.py ARGS`` run in a child process."""
    with open(log, 'w') as f:
        proc = subprocess.Popen([sys.executable, TOOL, *map(str, args)], cwd=ROOT, stdout=f,
                                stderr=subprocess.STDOUT, env=dict(os.environ, OMP_NUM_THREADS='1'))
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, open(log).read()[-3000:]
    return usage.ru_maxrss / 1024  # kB on Linux


def test_memory_does_not_grow_with_length(tmp_path, vimeo_frames, write_video):
    """20 and 200 real frames of 128x96 (outputs 512x384): the same peak memory.

    Holding the 399 output frames of the long clip would take 235 MB as uint8.
    """
    crops = [f[80:176, 160:288] for f in vimeo_frames]
    peaks = {}
    for n in (20, 200):
        video = write_video(tmp_path / f'{n}.mp4', [crops[i % len(crops)] for i in range(n)])
        peaks[n] = _peak_memory_mb([video, tmp_path / f'{n}_x4.mp4', *FLOW],
                                   tmp_path / f'{n}.log')
    assert peaks[200] - peaks[20] < 40, peaks


def test_unwritable_and_full_outputs(run_tool, tmp_path, monkeypatch):
    """A read-only folder and a disk that fills up mid-run (both injected: root writes
    anywhere, and this machine cannot mount a small tmpfs) used to end in tracebacks."""
    with monkeypatch.context() as m:
        m.setattr(tempfile, 'mkstemp', _fail(errno.EROFS))
        for out in ('out.mp4', 'frames'):
            code, _, stderr = run_tool(VIDEO, tmp_path / out, *FLOW)
            assert code == 1 and 'is not writable (Read-only file system)' in stderr, stderr
            assert 'Traceback' not in stderr
    assert os.listdir(tmp_path) == []

    write_png = video_io.write_png
    written = []

    def fills_up(path, image):
        if len(written) == 5:
            _fail(errno.ENOSPC)(path)
        written.append(path)
        write_png(path, image)

    out = tmp_path / 'frames'
    with monkeypatch.context() as m:
        m.setattr(video_io, 'write_png', fills_up)
        code, _, stderr = run_tool(VIDEO, out, *FLOW)
    assert code == 1 and 'Traceback' not in stderr
    assert 'writing frame 5 to ' in stderr and 'No space left on device' in stderr
    assert '--resume' in stderr and not out.exists()
    code, _, stderr = run_tool(VIDEO, out, *FLOW, '--resume')  # space freed: completed
    assert code == 0 and len(os.listdir(out)) == 24
    assert os.listdir(tmp_path) == ['frames']


def test_debug_shows_the_traceback(run_tool, tmp_path):
    with pytest.raises(InferenceError, match="unknown device 'gpu'"):
        run_tool(VIDEO, tmp_path / 'out.mp4', *FLOW, '--device', 'gpu', '--debug')


def _fail(code):
    """A function raising the OSError of errno ``code``, whatever its arguments."""

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), args[0] if args else None)

    return fail
