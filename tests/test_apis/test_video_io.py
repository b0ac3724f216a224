"""mmstvsr.apis.video_io: reading real clips lazily, refusing bad inputs and outputs early."""
import errno
import json
import os
import os.path as osp
import shutil
import tempfile

import av
import cv2
import numpy as np
import pytest

from mmstvsr.apis import video_io
from mmstvsr.apis.video_io import (MANIFEST_NAME, FrameFolderSink, InferenceError, VideoFileSink,
                                   check_output, open_source, partial_folder)
from mmstvsr.utils.files import natural_key

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
VIDEO = osp.join(ROOT, 'tests', 'data', 'videos', 'carphone_96x64.mp4')
AUDIO_VIDEO = osp.join(ROOT, 'tests', 'data', 'videos', 'carphone_96x64_audio.mp4')
FRAMES = osp.join(ROOT, 'tests', 'data', 'vid4', 'GT', 'carphone')


def test_natural_order():
    names = ['f10.png', 'f2.png', 'F1.png', 'f1b.png']
    assert sorted(names, key=natural_key) == ['F1.png', 'f1b.png', 'f2.png', 'f10.png']


def test_frame_folder_source(tmp_path, real_frames):
    order = [('f1', 1), ('f2', 2), ('f10', 9)]  # names and real frames, 'f10' after 'f2'
    for name, i in order:
        cv2.imwrite(str(tmp_path / f'{name}.png'), real_frames[i])
    (tmp_path / 'notes.txt').write_text('not a frame')
    source = open_source(str(tmp_path))
    assert (source.num_frames, source.width, source.height, source.fps) == (3, 96, 64, 25.0)
    for frame, (_, i) in zip(source.frames(), order):
        np.testing.assert_array_equal(frame, real_frames[i])
    assert open_source(FRAMES, 3, 7).num_frames == 4


@pytest.mark.parametrize('path', [VIDEO, AUDIO_VIDEO])
def test_video_source(path, read_video):
    source = open_source(path)
    assert (source.num_frames, source.width, source.height) == (12, 96, 64)
    assert source.fps == pytest.approx(29.97, abs=1e-3)
    frames = list(source.frames())
    np.testing.assert_array_equal(np.stack(frames), np.stack(read_video(path)[0]))
    part = list(open_source(path, 3, 8).frames())
    assert len(part) == 5
    np.testing.assert_array_equal(part[0], frames[3])


def test_truncated_videos_are_refused(tmp_path, real_frames, write_video):
    mp4 = write_video(tmp_path / 'clip.mp4', real_frames)
    data = open(mp4, 'rb').read()
    cut = tmp_path / 'cut.mp4'
    cut.write_bytes(data[:len(data) * 2 // 3])  # loses the index at the end of the file
    with pytest.raises(InferenceError, match='cannot be read as a video.*truncated'):
        open_source(str(cut))
    avi = write_video(tmp_path / 'clip.avi', real_frames, fourcc='MJPG')
    data = open(avi, 'rb').read()
    cut = tmp_path / 'cut.avi'
    cut.write_bytes(data[:len(data) // 2])  # keeps its header, loses frames
    with pytest.raises(InferenceError, match=r'truncated or corrupt.*announces 10 frames.*'
                       r'--end-frame \d'):
        open_source(str(cut))
    assert open_source(str(cut), 0, 3).num_frames == 3  # the frames that decode can be used


def test_bad_inputs(tmp_path, real_frames):
    with pytest.raises(InferenceError, match='input not found'):
        open_source(str(tmp_path / 'missing.mp4'))
    text = tmp_path / 'text.mp4'
    text.write_text('not a video')
    with pytest.raises(InferenceError, match='cannot be read as a video'):
        open_source(str(text))
    with pytest.raises(InferenceError, match='at least two frames'):
        open_source(VIDEO, 11)
    with pytest.raises(InferenceError, match='has 12 frame.*range \\[0, 13\\)'):
        open_source(VIDEO, 0, 13)
    folder = tmp_path / 'frames'
    folder.mkdir()
    with pytest.raises(InferenceError, match='holds no frames'):
        open_source(str(folder))
    cv2.imwrite(str(folder / '1.png'), real_frames[0])
    with pytest.raises(InferenceError, match='has 1 frame.*at least two frames'):
        open_source(str(folder))
    cv2.imwrite(str(folder / '2.png'), real_frames[1][:, :80])
    with pytest.raises(InferenceError, match='differ in size: 1.png is 96x64 but 2.png is 80x64'):
        open_source(str(folder))
    (folder / '2.png').write_bytes(b'not a png')
    with pytest.raises(InferenceError, match='2.png is not a readable image'):
        open_source(str(folder))


def test_check_output(tmp_path):
    assert check_output(str(tmp_path / 'out.mp4'), False, False, VIDEO) == 'video'
    assert check_output(str(tmp_path / 'frames'), False, False, VIDEO) == 'frames'
    with pytest.raises(InferenceError, match="unknown output extension '.gif'"):
        check_output(str(tmp_path / 'out.gif'), False, False, VIDEO)
    with pytest.raises(InferenceError, match='exists: pass --overwrite'):
        check_output(VIDEO, False, False, FRAMES)
    with pytest.raises(InferenceError, match='is the INPUT'):
        check_output(VIDEO, True, False, VIDEO)
    with pytest.raises(InferenceError, match='--resume continues a frame-folder'):
        check_output(str(tmp_path / 'out.mp4'), False, True, VIDEO)


def test_output_is_the_input_however_spelled(tmp_path):
    """A frame-folder OUTPUT that is the INPUT folder through a symlink or with a doubled leading
    slash is refused: with --overwrite it would delete the input frames."""
    frames = tmp_path / 'frames'
    shutil.copytree(FRAMES, frames)
    link = tmp_path / 'link'
    link.symlink_to(frames)
    for spelling in (str(link), '/' + str(frames), str(tmp_path / 'frames' / '..' / 'frames')):
        with pytest.raises(InferenceError, match='is the INPUT'):
            check_output(spelling, True, False, str(frames))
    with pytest.raises(InferenceError, match='is the INPUT'):
        check_output('/' + VIDEO, True, False, VIDEO)
    assert check_output(str(tmp_path / 'other'), True, False, str(frames)) == 'frames'


@pytest.mark.parametrize('name,codec', [('out.avi', 'mjpeg'), ('out.mp4', 'h264')])
def test_video_sink_refuses_a_file_missing_frames(tmp_path, real_frames, read_video, name,
                                                  codec):
    """A writer that loses frames (as OpenCV's does, silently, on a full disk) leaves a short
    file: close() refuses it, removes it and leaves an earlier good OUTPUT as it was."""
    out = tmp_path / name
    good = VideoFileSink(str(out), 50, 96, 64)
    for i, frame in enumerate(real_frames[:3]):
        good.write(i, frame)
    good.close()
    before = out.read_bytes()
    sink = VideoFileSink(str(out), 50, 96, 64)
    assert sink.codec == codec

    class FullDisk:  # the OpenCV/PyAV writer, but frames after the third never reach the file
        def __init__(self, writer):
            self.writer, self.calls = writer, 0

        def write(self, frame):
            self.calls += 1
            if self.calls <= 3:
                self.writer.write(frame)

        def release(self):
            self.writer.release()

    sink.writer = FullDisk(sink.writer)
    for i, frame in enumerate(real_frames[:5]):
        sink.write(i, frame)
    with pytest.raises(InferenceError, match='holds 3 decodable frames of the 5 written'):
        sink.close()
    assert out.read_bytes() == before and os.listdir(tmp_path) == [name]


def test_video_sink_renames_when_complete(tmp_path, real_frames, read_video):
    out = tmp_path / 'sub' / 'out.avi'
    sink = VideoFileSink(str(out), 50, 96, 64)
    for i, frame in enumerate(real_frames[:3]):
        sink.write(i, frame)
    assert not out.exists() and (tmp_path / 'sub' / '.out.partial.avi').exists()
    sink.close()
    assert os.listdir(tmp_path / 'sub') == ['out.avi']
    frames, fps = read_video(out)
    assert len(frames) == 3 and fps == 50
    sink = VideoFileSink(str(tmp_path / 'aborted.mp4'), 50, 96, 64)
    sink.write(0, real_frames[0])
    sink.abort()
    assert not list(tmp_path.glob('*.mp4')) and not list(tmp_path.glob('.*'))


def _video_info(path):
    """``(codec name, frame count, frame rate, audio codec names)`` of a video, read by PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        return (stream.codec_context.name, count, float(stream.average_rate),
                [a.codec_context.name for a in container.streams.audio])


def test_h264_is_the_default_and_mp4v_mjpeg_remain(tmp_path, real_frames, read_video):
    """Browsers do not play MPEG-4 Part 2: .mp4/.mkv/.mov are H.264 through PyAV, which PyAV
    and OpenCV both decode; --codec mp4v and mjpeg still write OpenCV's codecs."""
    for name, codec, expected in [('a.mp4', None, 'h264'), ('a.mkv', None, 'h264'),
                                  ('a.mov', None, 'h264'), ('a.avi', None, 'mjpeg'),
                                  ('b.mp4', 'mp4v', 'mpeg4'), ('b.mkv', 'mjpeg', 'mjpeg')]:
        sink = VideoFileSink(str(tmp_path / name), 59.94, 96, 64, codec=codec, crf=18)
        for i, frame in enumerate(real_frames):
            sink.write(i, frame)
        sink.close()
        assert sink.notes == []
        assert _video_info(tmp_path / name) == (expected, 10, pytest.approx(59.94), []), name
        frames, fps = read_video(tmp_path / name)
        assert len(frames) == 10 and fps == pytest.approx(59.94, abs=1e-2)
        if expected == 'h264':
            psnr = cv2.PSNR(frames[3], real_frames[3])
            assert psnr > 30, psnr  # yuv420p: chroma at half resolution
    assert not list(tmp_path.glob('.*'))


def test_h264_falls_back_to_mp4v_without_pyav(tmp_path, real_frames, monkeypatch):
    monkeypatch.setattr(video_io, 'av', None)
    sink = VideoFileSink(str(tmp_path / 'out.mp4'), 25, 96, 64, audio=AUDIO_VIDEO)
    assert sink.codec == 'mp4v' and not sink.audio
    assert len(sink.notes) == 2 and 'PyAV with libx264 is not available' in sink.notes[0]
    assert 'audio of the input is dropped' in sink.notes[1]
    sink.write(0, real_frames[0])
    sink.close()
    assert cv2.VideoCapture(str(tmp_path / 'out.mp4')).isOpened()


def test_video_sink_refuses_what_it_cannot_write(tmp_path):
    with pytest.raises(InferenceError, match='even frame size, the output is 95x64'):
        VideoFileSink(str(tmp_path / 'odd.mp4'), 25, 95, 64)
    with pytest.raises(InferenceError, match='MP4 holds no Motion JPEG'):
        VideoFileSink(str(tmp_path / 'out.mp4'), 25, 96, 64, codec='mjpeg')
    with pytest.raises(InferenceError, match='unknown codec'):
        VideoFileSink(str(tmp_path / 'out.mp4'), 25, 96, 64, codec='vp9')
    assert os.listdir(tmp_path) == []


def test_audio_is_copied_into_h264(tmp_path, real_frames):
    sink = VideoFileSink(str(tmp_path / 'out.mkv'), 25, 96, 64, audio=AUDIO_VIDEO)
    for i, frame in enumerate(real_frames):
        sink.write(i, frame)
    sink.close()
    assert sink.audio and _video_info(tmp_path / 'out.mkv')[::3] == ('h264', ['aac'])
    with av.open(AUDIO_VIDEO) as source, av.open(str(tmp_path / 'out.mkv')) as copy:
        original = [bytes(p) for p in source.demux(source.streams.audio[0]) if p.size]
        copied = [bytes(p) for p in copy.demux(copy.streams.audio[0]) if p.size]
    assert copied == original  # packets copied, not re-encoded


def test_frame_folder_sink(tmp_path, real_frames):
    """Frames go to a temporary sibling folder, moved to OUTPUT when all are there."""
    out = tmp_path / 'out'
    partial = tmp_path / '.out.partial'
    manifest = dict(input='a.mp4', time_factor=2)
    sink = FrameFolderSink(str(out), 2, manifest)
    assert partial_folder(str(out) + '/') == str(partial)
    assert not partial.exists()  # created with the first frame
    sink.write(1, real_frames[0])
    assert sorted(os.listdir(partial)) == [MANIFEST_NAME, '00000001.png'] and not out.exists()
    assert json.loads((partial / MANIFEST_NAME).read_text()) == manifest
    with pytest.raises(InferenceError, match='1 of the 2 output frames are missing.*00000000'):
        sink.close()
    assert not out.exists()

    with pytest.raises(InferenceError, match='an interrupted run left .*pass --resume'):
        FrameFolderSink(str(out), 2, manifest)
    with pytest.raises(InferenceError, match="other settings \\(time_factor: 2 -> 3\\)"):
        FrameFolderSink(str(out), 2, dict(manifest, time_factor=3), resume=True)
    sink = FrameFolderSink(str(out), 2, manifest, resume=True)
    assert sink.done(1) and not sink.done(0)
    sink.write(0, real_frames[1])
    sink.close()
    assert sorted(os.listdir(tmp_path)) == ['out']
    assert sorted(os.listdir(out)) == [MANIFEST_NAME, '00000000.png', '00000001.png']
    np.testing.assert_array_equal(cv2.imread(str(out / '00000001.png')), real_frames[0])

    with pytest.raises(InferenceError, match='exists and is not empty: pass --resume'):
        FrameFolderSink(str(out), 2, manifest)
    assert FrameFolderSink(str(out), 2, manifest, resume=True).done(1)  # finished: nothing to do
    sink = FrameFolderSink(str(out), 1, dict(manifest, time_factor=3), overwrite=True)
    sink.write(0, real_frames[2])
    assert len(os.listdir(out)) == 3  # the earlier output is kept until the new one is complete
    sink.close()
    assert sorted(os.listdir(tmp_path)) == ['out']
    assert sorted(os.listdir(out)) == [MANIFEST_NAME, '00000000.png']

    (out / 'keep.txt').write_text('not ours')
    with pytest.raises(InferenceError, match=r'files this tool did not write \(keep.txt\)'):
        FrameFolderSink(str(out), 1, manifest, overwrite=True)
    os.remove(out / MANIFEST_NAME)
    with pytest.raises(InferenceError, match='did not write .*no run to resume'):
        FrameFolderSink(str(out), 1, manifest, resume=True)


def test_frame_folder_sink_write_failure(tmp_path, real_frames, monkeypatch):
    """A full disk while writing a frame (injected) is one clear error, and OUTPUT is not
    created: the frames written so far stay in the temporary folder for --resume."""
    sink = FrameFolderSink(str(tmp_path / 'out'), 2, dict(input='a.mp4'))
    sink.write(0, real_frames[0])

    def full_disk(path, image):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(video_io, 'write_png', full_disk)
    with pytest.raises(InferenceError, match='writing frame 1 .*No space left on device'):
        sink.write(1, real_frames[1])
    assert os.listdir(tmp_path) == ['.out.partial']


def test_video_whose_start_is_cut_is_refused(tmp_path):
    """An mp4 without its first 200 bytes used to decode to 11 noise frames at 41 fps (its
    frame count reads -3.2e14): the header's claims are checked against what decodes."""
    cut = tmp_path / 'cut.mp4'
    cut.write_bytes(open(VIDEO, 'rb').read()[200:])
    with pytest.raises(InferenceError, match='corrupt: its header declares a frame count of'):
        open_source(str(cut))


def test_ranges_do_not_invent_a_frame_count():
    """The scan stops at --end-frame: the message must not claim that is the clip's length."""
    with pytest.raises(InferenceError) as err:
        open_source(VIDEO, 5, 6)
    assert 'has 6 frame' not in str(err.value) and 'holds 1 frame' in str(err.value)
    with pytest.raises(InferenceError, match='--start-frame must be 0 or more'):
        open_source(VIDEO, -1)
    with pytest.raises(InferenceError, match=r'has 12 frame.*\[20, 30\)'):
        open_source(VIDEO, 20, 30)


def test_corrupt_png_is_refused_before_any_work(tmp_path):
    """A frame whose end is missing has a valid header: its chunks are checked on opening."""
    frames = tmp_path / 'frames'
    shutil.copytree(FRAMES, frames)
    data = (frames / 'Frame 004.png').read_bytes()
    (frames / 'Frame 004.png').write_bytes(data[:len(data) // 2])
    with pytest.raises(InferenceError, match='Frame 004.png is not a readable image'):
        open_source(str(frames))


def test_fingerprint_tells_inputs_apart(tmp_path, real_frames, write_video):
    video = tmp_path / 'in.mp4'
    shutil.copy(VIDEO, video)
    first = open_source(str(video)).fingerprint()
    assert set(first) == {'size', 'mtime_ns', 'first_frames_sha256'}
    assert open_source(str(video)).fingerprint() == first
    assert open_source(str(video), 1).fingerprint()['first_frames_sha256'] != \
        first['first_frames_sha256']
    write_video(video, real_frames[::-1])  # another clip at the same path
    assert open_source(str(video)).fingerprint() != first
    folder = open_source(FRAMES)
    assert folder.fingerprint()['size'] == sum(os.path.getsize(f) for f in folder.files)


def test_unwritable_outputs_are_refused_before_any_work(tmp_path, monkeypatch):
    """A read-only folder (injected: root writes anywhere) used to end in a traceback, or, for
    a video, in a message blaming the codec."""
    (tmp_path / 'file').write_text('a file')
    with pytest.raises(InferenceError, match='is a file, not a folder'):
        check_output(str(tmp_path / 'file' / 'out.mp4'), False, False, VIDEO)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, 'mkstemp', read_only)
    for out in ('out.mp4', 'frames', 'new/sub/out.avi'):
        with pytest.raises(InferenceError, match='is not writable \\(Read-only file system\\)'):
            check_output(str(tmp_path / out), False, False, VIDEO)
    with pytest.raises(InferenceError, match='is not writable'):
        VideoFileSink(str(tmp_path / 'out.mp4'), 25, 96, 64)
    assert sorted(os.listdir(tmp_path)) == ['file']
