"""MMagic's inferencer interface for mmstvsr models: ``MMagicInferencer``'s arguments, our engine.

MMagic's own inferencers (``MMagicInferencer``, ``VideoRestorationInferencer``,
``VideoInterpolationInferencer``) refuse mmstvsr models with a message naming this class
(:class:`~mmstvsr.models.base_models.BaseSTVSRModel` does not take their ``model.cfg``).

Example:
    >>> from mmstvsr.apis import MMSTVSRInferencer
    >>> editor = MMSTVSRInferencer(model_name='baselines',
    ...                            config_name='bicubic-flow_x4_vimeo-septuplet')
    >>> editor.infer(video='in.mp4', result_out_dir='out.mp4',
    ...              extra_parameters=dict(time_factor=2))
"""
import glob
import inspect
import os.path as osp
from typing import Dict, List, Optional, Union

import torch
from mmengine.config import Config
from mmengine.runner import set_random_seed

from mmstvsr.utils.fast_path import parse_precision
from .default_model import ROOT, resolve_model
from .stvsr_inferencer import STVSRInferencer
from .video_io import InferenceError

#: The task name of every mmstvsr model, as MMagic names its tasks.
TASK = 'Space-Time Video Super-Resolution'
CONFIG_ROOT = osp.join(ROOT, 'configs')


def _call_options() -> List[str]:
    """The options of :meth:`STVSRInferencer.__call__` (after ``input`` and ``output``)."""
    params = list(inspect.signature(STVSRInferencer.__call__).parameters)
    return [p for p in params if p not in ('self', 'input', 'output')]


class MMSTVSRInferencer:
    """Space-time super-resolve videos with MMagicInferencer's arguments.

    Built on :class:`~mmstvsr.apis.STVSRInferencer` (``self.inferencer``): a model is chosen as
    in MMagic, by a model name (a method folder of ``configs/``, e.g. ``'stinet'``,
    ``'baselines'``) with a setting (the index of a config in the folder, sorted by name; 0 by
    default) or a config name (a config file name in the folder, without ``.py``), or by a config
    file; without either, the default model of ``tools/inference.py``.

    Args:
        model_name (str, optional): Method folder of ``configs/``. Default: None.
        model_setting (int, optional): Index of the config in the folder. Default: None (0).
        config_name (str, optional): Config name in the folder, as its metafile.yml names it
            (the file name without ``.py``); wins over ``model_setting``.
        model_config (str | Config, optional): Config (path), used instead of the folder's.
        model_ckpt (str, optional): Checkpoint; non-learned models need none. Default: None.
        device (str | torch.device, optional): Default: CUDA when available, else the CPU.
        extra_parameters (dict, optional): Default options of :meth:`infer`: those of
            ``STVSRInferencer.__call__`` (``time_factor``, ``tile``, ``fps``...), and
            ``precision`` (``'fp32'``, ``'bf16'``, ``'fp16'``; ``fp16=True`` is its deprecated
            alias), which is fixed when the inferencer is built.
        seed (int): Random seed set before inference. Default: 2022 (as MMagic's).
    """

    def __init__(self,
                 model_name: Optional[str] = None,
                 model_setting: Optional[int] = None,
                 config_name: Optional[str] = None,
                 model_config: Union[str, Config, None] = None,
                 model_ckpt: Optional[str] = None,
                 device: Union[str, torch.device, None] = None,
                 extra_parameters: Optional[Dict] = None,
                 seed: int = 2022) -> None:
        self.extra_parameters = dict.fromkeys(_call_options())
        self.extra_parameters.pop('progress', None)  # a display setting, not a parameter
        self.extra_parameters['fp16'] = False
        self.extra_parameters['precision'] = None
        self._check_extra(extra_parameters)
        self.extra_parameters.update(extra_parameters or {})
        if model_config is None and model_name is not None:
            model_config = self.config_of(model_name, model_setting, config_name)
        config, ckpt = resolve_model(model_config, model_ckpt)
        self.seed = seed
        self.inferencer = STVSRInferencer(
            config, ckpt, None if device is None else str(device),
            fp16=self.extra_parameters['fp16'], precision=self.extra_parameters['precision'])

    @staticmethod
    def get_inference_supported_models() -> List[str]:
        """The model names: the method folders of ``configs/``."""
        folders = {osp.basename(osp.dirname(p))
                   for p in glob.glob(osp.join(CONFIG_ROOT, '*', '*.py'))}
        return sorted(folders - {'_base_'})

    @staticmethod
    def get_inference_supported_tasks() -> List[str]:
        """The one task of every mmstvsr model."""
        return [TASK]

    @classmethod
    def get_task_supported_models(cls, task: str) -> List[str]:
        """The model names of ``task`` (all of them for space-time video SR, else none)."""
        return cls.get_inference_supported_models() if task == TASK else []

    @classmethod
    def config_of(cls,
                  model_name: str,
                  model_setting: Optional[int] = None,
                  config_name: Optional[str] = None) -> str:
        """The config path of a model name with a setting or a config name."""
        if model_name not in cls.get_inference_supported_models():
            raise InferenceError(f'unknown model_name {model_name!r}: choose one of '
                                 f'{cls.get_inference_supported_models()} (configs/ folders)')
        configs = sorted(glob.glob(osp.join(CONFIG_ROOT, model_name, '*.py')))
        names = [osp.splitext(osp.basename(p))[0] for p in configs]
        if config_name is not None:
            if config_name not in names:
                raise InferenceError(f'no config {config_name!r} for {model_name}: choose one of '
                                     f'{names}')
            return configs[names.index(config_name)]
        setting = model_setting or 0
        if not 0 <= setting < len(configs):
            raise InferenceError(f'model_setting {setting} is out of range for {model_name}: '
                                 f'0 to {len(configs) - 1} ({names})')
        return configs[setting]

    def _check_extra(self, extra_parameters: Optional[Dict]) -> None:
        unknown = set(extra_parameters or {}) - set(self.extra_parameters)
        if unknown:
            raise InferenceError(f'unknown extra_parameters {sorted(unknown)}: the options are '
                                 f'{sorted(self.extra_parameters)}')

    def get_extra_parameters(self) -> List[str]:
        """The names of the extra parameters (as MMagic's inferencers give them)."""
        return list(self.extra_parameters)

    def print_extra_parameters(self) -> None:
        """Print the extra parameters and their current values."""
        print(self.extra_parameters)

    def infer(self,
              img=None,
              video: Optional[str] = None,
              label=None,
              trimap=None,
              mask=None,
              result_out_dir: str = '',
              **kwargs) -> dict:
        """Space-time super-resolve ``video`` into ``result_out_dir``.

        Args:
            img, label, trimap, mask: MMagicInferencer's inputs of other tasks; must be None.
            video (str): Video file or folder of frames.
            result_out_dir (str): Output video file or frame folder.
            **kwargs: ``extra_parameters=dict(...)`` for this call, and ``progress``.

        Returns:
            dict: What :meth:`STVSRInferencer.__call__` returns (``output``, ``num_outputs``...).
        """
        others = [name for name, value in
                  (('img', img), ('label', label), ('trimap', trimap), ('mask', mask))
                  if value is not None]
        if others:
            raise InferenceError(f'space-time SR takes a video, not {", ".join(others)}: give '
                                 'video=... (a video file or a folder of frames)')
        if not video or not result_out_dir:
            raise InferenceError('give video=... (a video file or a folder of frames) and '
                                 'result_out_dir=... (a video file or a frame folder)')
        extra = kwargs.pop('extra_parameters', None) or {}
        self._check_extra(extra)
        unknown = set(kwargs) - {'progress'}
        if unknown:
            raise InferenceError(f'unknown arguments {sorted(unknown)}: pass options as '
                                 'extra_parameters=dict(...), with the names of '
                                 'get_extra_parameters()')
        options = {k: v for k, v in dict(self.extra_parameters, **extra).items() if v is not None}
        if options.pop('fp16', self.inferencer.fp16) != self.inferencer.fp16:
            raise InferenceError('fp16 is set when the inferencer is built: give it in '
                                 'MMSTVSRInferencer(extra_parameters=dict(fp16=True))')
        precision = options.pop('precision', self.inferencer.precision)
        if _parsed(precision) != self.inferencer.precision:
            raise InferenceError('precision is set when the inferencer is built: give it in '
                                 'MMSTVSRInferencer(extra_parameters=dict(precision=...))')
        set_random_seed(self.seed)
        return self.inferencer(video, result_out_dir, **options, **kwargs)


def _parsed(precision: str) -> str:
    """:func:`~mmstvsr.utils.fast_path.parse_precision`, its error as an ``InferenceError``."""
    try:
        return parse_precision(precision)
    except ValueError as err:
        raise InferenceError(str(err)) from err
