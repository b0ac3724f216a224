"""The space-time super-resolution model every mmstvsr method is built on."""
from contextlib import nullcontext
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmagic.models.base_models import BaseEditModel
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.registry import DefaultScope

from mmstvsr.models.archs.padding import crop_padding, pad_to_multiple
from mmstvsr.utils.checkpoint import init_weights_quietly
from mmstvsr.utils.temporal import check_times, num_output_frames, window_output_slices


def _mmagic_scope():
    """MMagic's registry scope while a model builds its parts, unless a scope is already set.

    MMEngine's ``BaseModel`` builds ``data_preprocessor`` (e.g. MMagic's ``DataPreprocessor``)
    from MMEngine's root registry, which finds MMagic's modules only in MMagic's scope; MMagic's
    own APIs set that scope before building. With it set here, ``MODELS.build(cfg.model)`` works
    without a prior ``init_default_scope('mmagic')``.
    """
    if DefaultScope.get_current_instance() is not None:
        return nullcontext()
    return DefaultScope.overwrite_default_scope('mmagic')


@MODELS.register_module()
class BaseSTVSRModel(BaseEditModel):
    """Space-time video super-resolution model.

    Maps ``T`` low-resolution frames ``(B, T, 3, h, w)`` to
    ``T_out = T + (T - 1) * K`` high-resolution frames ``(B, T_out, 3, s*h, s*w)``: every input time
    and ``K`` intermediate times ``t'`` in (0, 1) between each pair of neighbouring inputs.

    The generator is called as ``generator(lrs, times, **extra)`` with ``lrs`` of shape
    ``(B, T, 3, h, w)``, ``times`` a ``(K,)`` tensor of positions and ``extra`` the data-sample
    fields named in ``extra_inputs`` (for example pipeline optical flows ``(B, T - 1, 2, h, w)``),
    and returns ``(B, T_out, 3, s*h, s*w)`` (or, when a subclass asks for auxiliary outputs, a
    dict with those frames under ``frames`` and other per-frame outputs at any multiple of the
    input size, cropped alike). A generator may declare ``size_divisor`` (an int
    attribute); inputs are then padded (replicate) to a multiple of it and outputs cropped back.

    Args:
        generator (dict): Config of the space-time generator.
        pixel_loss (dict): Config of the reconstruction loss on all output frames.
        scale (int): Spatial upsampling factor s. Default: 4.
        times (Sequence[float]): Default intermediate positions t'. Default: ``(0.5,)``.
        extra_inputs (Sequence[str]): Data-sample fields passed to the generator as keyword
            arguments when the batch has them (e.g. the pipeline's flows; a generator computes
            or refuses what is missing). Each is a per-gap tensor ``(B, T - 1, ...)`` with
            spatial size ``(h, w)`` last, so that padding and test windows can slice it.
            Default: ``()``.
        train_cfg (dict, optional): Training config. Default: None.
        test_cfg (dict, optional): Test config. ``window`` (input frames per window) and
            ``stride`` (default ``window - 1``) split long clips into sliding windows, every output
            frame being produced exactly once, in order. Default: None (whole clip at once).
        init_cfg (dict, optional): Initialisation config. Default: None.
        data_preprocessor (dict, optional): Data pre-processor config. Default: None.
    """

    def __init__(self,
                 generator: dict,
                 pixel_loss: dict,
                 scale: int = 4,
                 times: Sequence[float] = (0.5, ),
                 extra_inputs: Sequence[str] = (),
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None):
        with _mmagic_scope():  # MMEngine's BaseModel builds the data preprocessor by scope
            super().__init__(
                generator=generator,
                pixel_loss=pixel_loss,
                train_cfg=train_cfg,
                test_cfg=test_cfg,
                init_cfg=init_cfg,
                data_preprocessor=data_preprocessor)
        self.scale = int(scale)
        self.times = check_times(times)
        self.extra_inputs = tuple(extra_inputs)
        test_cfg = test_cfg or {}
        self.test_window = test_cfg.get('window')
        self.test_stride = test_cfg.get('stride')
        #: Whether weights were loaded into the whole model (a checkpoint, e.g. ``load_from``).
        self.weights_loaded = False
        self._register_load_state_dict_pre_hook(self._note_weights_loaded)

    def _note_weights_loaded(self, *args) -> None:
        """Load pre-hook of the whole model: its weights come from a checkpoint."""
        self.weights_loaded = True

    def _refuse_cfg(self, value) -> None:
        """Refuse the config that MMagic's and MMEngine's inferencers attach to the model they
        build: MMagic's video inferencers would feed it frames through a test pipeline that makes
        LR inputs from ground truth, and step through them as a restoration or interpolation
        model does; mmstvsr's own entry point runs space-time models on videos."""
        raise NotImplementedError(
            f'{type(self).__name__} (mmstvsr) does not run in MMagic\'s or MMEngine\'s '
            'inferencers (MMagicInferencer, VideoRestorationInferencer, '
            'VideoInterpolationInferencer, ...): use mmstvsr.apis.MMSTVSRInferencer, which takes '
            "MMagicInferencer's arguments (model_config=..., model_ckpt=...; infer(video=..., "
            "result_out_dir=...)), or mmstvsr.apis.STVSRInferencer / tools/inference.py")

    #: Set only by those inferencers (``model.cfg = cfg``), which it stops with the message above.
    cfg = property(fset=_refuse_cfg)

    def init_without_checkpoint(self, config: str, checkpoint_name: str) -> None:
        """Get a model ready to run without a checkpoint, as tools/test.py and the inferencer do.

        Only models without trainable weights run so (the classical baselines, cascades of fixed
        pretrained networks); their fixed parts read their weight files
        (``init_cfg=dict(type='Pretrained')``) as in training, with one log line per file and
        without MMEngine's line per parameter
        (:func:`~mmstvsr.utils.checkpoint.init_weights_quietly`).

        Args:
            config (str): The model's config, for the message.
            checkpoint_name (str): What the tool calls the checkpoint, for the message, e.g.
                ``'CHECKPOINT'`` or ``'checkpoint (--checkpoint)'``.

        Raises:
            ValueError: The model has trainable weights: it needs its checkpoint.
            FileNotFoundError: A weight file is missing (one line naming it).
            CheckpointError: A weight file is not the part's (one line naming it).
        """
        if any(p.requires_grad for p in self.parameters()):
            raise ValueError(f'{config} defines a learned model: give its {checkpoint_name}; '
                             'only models without trainable weights, such as the classical '
                             'baselines, run without one')
        init_weights_quietly(self)

    def init_fixed_parts_once(self) -> None:
        """Initialise a model without trainable weights that was neither initialised nor loaded.

        A stock MMEngine ``Runner.test()`` / ``val()`` (MMagic's ``tools/test.py``) never calls
        ``init_weights()``; only ``train()`` does. A model without trainable weights (the
        classical baselines, a cascade of fixed pretrained networks such as the default model)
        gets nothing from a checkpoint, so its fixed parts would keep random weights. Called
        before every validation and test step, this reads their weight files
        (``init_cfg=dict(type='Pretrained')``) once, as :meth:`init_without_checkpoint` does.
        Learned models, and models already initialised or given a checkpoint
        (:attr:`weights_loaded`), are left as they are.
        """
        if self.is_init or self.weights_loaded:
            return
        if not any(p.requires_grad for p in self.parameters()):
            init_weights_quietly(self)

    def val_step(self, data) -> list:
        """MMEngine's validation step, after :meth:`init_fixed_parts_once`."""
        self.init_fixed_parts_once()
        return super().val_step(data)

    def test_step(self, data) -> list:
        """MMEngine's test step, after :meth:`init_fixed_parts_once`."""
        self.init_fixed_parts_once()
        return super().test_step(data)

    # ------------------------------------------------------------------ helpers
    def _resolve_times(self, times: Optional[Sequence[float]],
                       device: torch.device) -> torch.Tensor:
        """The ``(K,)`` tensor the generator takes, from checked positions (default ``times``)."""
        times = self.times if times is None else check_times(times)
        return torch.tensor(times, dtype=torch.float32, device=device)

    def _gather_extra(self, data_samples: Optional[DataSample]) -> Dict[str, torch.Tensor]:
        """The ``extra_inputs`` fields the batch holds (a generator computes what is missing)."""
        if data_samples is None:
            return {}
        return {k: data_samples.get(k) for k in self.extra_inputs if k in data_samples}

    def _check_inputs(self, inputs: torch.Tensor) -> None:
        if inputs.dim() != 5:
            raise ValueError('a space-time SR model takes a batch of frame sequences '
                             f'(B, T, C, h, w); got a tensor of shape {tuple(inputs.shape)}')
        if inputs.size(1) < 2:
            raise ValueError('space-time SR needs at least 2 input frames per sequence, got '
                             f'{inputs.size(1)}')

    # ------------------------------------------------------------------ forward
    def forward_tensor(self,
                       inputs: torch.Tensor,
                       data_samples: Optional[DataSample] = None,
                       times: Optional[Sequence[float]] = None,
                       **kwargs) -> torch.Tensor:
        """Run the generator on whole sequences, padding to its size divisor.

        Args:
            inputs (Tensor): LR frames ``(B, T, C, h, w)``.
            data_samples (DataSample, optional): Stacked data samples holding ``extra_inputs``.
            times (Sequence[float], optional): Intermediate positions for this call; the model's
                default ``times`` when None.

        Returns:
            Tensor: HR frames ``(B, T + (T - 1) * K, C, s*h, s*w)``.
        """
        self._check_inputs(inputs)
        times_t = self._resolve_times(times, inputs.device)
        extra = self._gather_extra(data_samples)
        return self.predict_window(inputs, times_t, extra, **kwargs)

    def predict_window(self, inputs: torch.Tensor, times: torch.Tensor,
                       extra: Dict[str, torch.Tensor], **kwargs):
        """The generator on one window, padded to its size divisor and cropped back: the one
        forward of training, of the Runner's tests (:meth:`forward_windows`) and of the
        inferencer (on each window and tile).

        Args:
            inputs (Tensor): Normalised LR frames ``(B, T, C, h, w)``.
            times (Tensor): Intermediate positions ``(K,)``.
            extra (dict[str, Tensor]): The ``extra_inputs`` of the window, e.g. flows
                ``(B, T - 1, 2, h, w)``.

        Returns:
            Tensor | dict: HR frames ``(B, T + (T - 1) * K, C, s*h, s*w)`` (a dict of outputs
            for generators with auxiliary outputs).
        """
        h, w = inputs.shape[-2:]
        divisor = int(getattr(self.generator, 'size_divisor', 1))
        inputs = pad_to_multiple(inputs, divisor)
        extra = {k: pad_to_multiple(v, divisor) for k, v in extra.items()}
        outputs = self.generator(inputs, times, **extra, **kwargs)
        frames = outputs['frames'] if isinstance(outputs, dict) else outputs
        expected = num_output_frames(inputs.size(1), times.numel())
        if frames.dim() != 5 or frames.size(1) != expected:
            raise RuntimeError(
                f'{type(self.generator).__name__} returned {tuple(frames.shape)}; a space-time '
                f'generator must return (B, {expected}, C, H, W) for {inputs.size(1)} inputs and '
                f'{times.numel()} intermediate positions')

        if isinstance(outputs, dict):  # outputs at any resolution multiple of the input
            return {k: crop_padding(v, (h, w), divisor) for k, v in outputs.items()}
        return crop_padding(outputs, (h, w), divisor)

    def forward_windows(self,
                        inputs: torch.Tensor,
                        data_samples: Optional[DataSample] = None,
                        times: Optional[Sequence[float]] = None) -> torch.Tensor:
        """Test-time forward over sliding windows of ``test_cfg.window`` inputs.

        Args:
            inputs (Tensor): LR frames ``(B, T, C, h, w)``, T of any length.
            data_samples (DataSample, optional): Stacked data samples holding ``extra_inputs``.
            times (Sequence[float], optional): Intermediate positions for this call.

        Returns:
            Tensor: HR frames ``(B, T + (T - 1) * K, C, s*h, s*w)``; each produced exactly once.
        """
        self._check_inputs(inputs)
        times_t = self._resolve_times(times, inputs.device)
        extra = self._gather_extra(data_samples)
        pieces = []
        for start, stop, keep in self.test_windows(inputs.size(1), times_t.numel()):
            window_extra = {k: v[:, start:stop - 1] for k, v in extra.items()}
            out = self.predict_window(inputs[:, start:stop], times_t, window_extra)
            pieces.append(out[:, keep])
        return pieces[0] if len(pieces) == 1 else torch.cat(pieces, dim=1)

    def test_windows(self, num_frames: int, num_times: int,
                     default_window: Optional[int] = None) -> List[Tuple[int, int, slice]]:
        """How a clip is split into test windows (``test_cfg.window`` inputs, neighbouring
        windows sharing ``window - stride`` frames), each output frame made exactly once.

        Args:
            num_frames (int): Input frames T of the clip.
            num_times (int): Intermediate frames per gap K.
            default_window (int, optional): Window when ``test_cfg`` sets none; None runs the
                whole clip at once. Default: None.

        Returns:
            list[tuple[int, int, slice]]: ``(start, stop, keep)`` per window: its input range
            and the slice of its outputs that continues the clip's output, in order
            (:func:`~mmstvsr.utils.temporal.window_output_slices`).
        """
        window = self.test_window or default_window
        if window is None or num_frames <= window:
            return [(0, num_frames, slice(0, num_output_frames(num_frames, num_times)))]
        return window_output_slices(num_frames, window, self.test_stride, num_times)

    def preprocess_frames(self, frames: torch.Tensor,
                          channel_order: str) -> Tuple[torch.Tensor, DataSample]:
        """Normalise raw frames as the data preprocessor does for a test batch without ground
        truth (MMagic's ``DataPreprocessor`` converts and normalises ``inputs`` only).

        Args:
            frames (Tensor): Frames ``(B, T, 3, h, w)`` in [0, 255], in ``channel_order`` (the
                order in which the test pipeline loads them).
            channel_order (str): 'bgr' or 'rgb'.

        Returns:
            tuple[Tensor, DataSample | list[DataSample]]: The model inputs ``(B, T, 3, h, w)``
            and the data samples for ``data_preprocessor.destruct`` of the outputs.
        """
        samples = [DataSample(metainfo=dict(img_channel_order=channel_order)) for _ in frames]
        # the inputs half of DataPreprocessor.forward: its data-sample half converts the ground
        # truth, and warns on every call when there is none
        inputs, samples = self.data_preprocessor._preprocess_image_tensor(frames, samples)
        if self.data_preprocessor.stack_data_sample:
            samples = DataSample.stack(samples)
        return inputs, samples

    def forward_inference(self,
                          inputs: torch.Tensor,
                          data_samples: Optional[DataSample] = None,
                          times: Optional[Sequence[float]] = None,
                          **kwargs) -> DataSample:
        """Predict HR frames, de-normalised to [0, 255] in the data preprocessor's output order.

        Returns:
            DataSample: ``pred_img`` of shape ``(B, T_out, C, s*h, s*w)``.
        """
        outputs = self.forward_windows(inputs, data_samples, times)
        outputs = self.data_preprocessor.destruct(outputs, data_samples)
        return DataSample(pred_img=outputs.cpu())

    def forward_train(self,
                      inputs: torch.Tensor,
                      data_samples: Optional[DataSample] = None,
                      **kwargs) -> Dict[str, torch.Tensor]:
        """Reconstruction loss between all predicted and ground-truth frames.

        Returns:
            dict: ``loss_pix``.
        """
        outputs = self.forward_tensor(inputs, data_samples, **kwargs)
        return dict(loss_pix=self.pixel_loss(outputs, self.target_frames(outputs, data_samples)))

    def unit_range(self, frames: torch.Tensor) -> torch.Tensor:
        """Frames in the model's space as RGB in [0, 1] (not clamped), for losses defined there.

        Inverts the data preprocessor's normalisation, then divides by 255: the identity for
        the paper-faithful configs (mean 0, std 255), the ImageNet de-normalisation for the
        authors-compatible ones.

        Args:
            frames (Tensor): ``(B, T, C, H, W)`` as the generator outputs them.

        Returns:
            Tensor: Same shape.
        """
        pre = self.data_preprocessor
        if getattr(pre, '_enable_normalize', False):
            frames = frames * pre.std.view(-1, 1, 1) + pre.mean.view(-1, 1, 1)
        return frames / 255.

    def target_frames(self, frames: torch.Tensor, data_samples: DataSample) -> torch.Tensor:
        """The ground-truth frames ``gt_img`` of the batch, checked against the prediction.

        Args:
            frames (Tensor): Predicted frames ``(B, T_out, C, H, W)``.
            data_samples (DataSample): Stacked samples holding ``gt_img``.

        Returns:
            Tensor: ``gt_img``, of the same shape as ``frames``.
        """
        gt = data_samples.gt_img
        if gt.shape != frames.shape:
            raise ValueError(f'ground truth {tuple(gt.shape)} does not match the prediction '
                             f'{tuple(frames.shape)}: check that the pipeline gives '
                             f'{frames.size(1)} target frames per sequence and the same scale '
                             f'({self.scale}) as the model')
        return gt
