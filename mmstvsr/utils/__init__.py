from .checkpoint import (CheckpointError, allow_mmengine_checkpoints, load_from_local,
                         mmengine_checkpoint_globals)
from .fast_path import (PRECISIONS, RunPath, autocast, available_paths, default_path, fp32_region,
                        parse_precision, prepare_inputs, prepare_model)
from .flow import batch_neighbour_flows, farneback_flow, neighbour_flows
from .temporal import (check_times, interleave, num_output_frames, output_timestamps, plan_windows,
                       uniform_times, window_output_slices)

__all__ = [
    'CheckpointError', 'allow_mmengine_checkpoints', 'load_from_local',
    'mmengine_checkpoint_globals', 'PRECISIONS', 'RunPath', 'autocast', 'available_paths',
    'default_path', 'fp32_region', 'parse_precision', 'prepare_inputs', 'prepare_model',
    'batch_neighbour_flows', 'farneback_flow', 'neighbour_flows', 'check_times', 'interleave',
    'num_output_frames', 'output_timestamps', 'plan_windows', 'uniform_times',
    'window_output_slices'
]
