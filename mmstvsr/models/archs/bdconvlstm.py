"""Bidirectional deformable ConvLSTM (BDConvLSTM), the temporal refinement of Zooming Slow-Mo."""
from typing import Tuple

import torch
import torch.nn as nn

from .modulated_dcn import ModulatedDCNPack


class DeformableConvLSTMCell(nn.Module):
    """One ConvLSTM step whose hidden and cell states are first aligned to the input.

    The previous states ``h`` and ``c`` are warped towards the current input ``x`` by modulated
    deformable convolutions whose offsets come from ``cat(x, h)`` (one level; Zooming Slow-Mo
    aligns with a 3-level pyramid), then the usual ConvLSTM update
    runs: ``i, f, o, g = conv(cat(x, h'))``, ``c = sigmoid(f) c' + sigmoid(i) tanh(g)``,
    ``h = sigmoid(o) tanh(c)``.

    Args:
        channels (int): Channels of the input and of the states.
        deform_groups (int): Deformable groups of the alignment. Default: 8.
    """

    def __init__(self, channels: int, deform_groups: int = 8):
        super().__init__()
        self.offset_feat = nn.Sequential(
            nn.Conv2d(2 * channels, channels, 3, 1, 1), nn.LeakyReLU(0.1, inplace=True),
            nn.Conv2d(channels, channels, 3, 1, 1), nn.LeakyReLU(0.1, inplace=True))
        self.align_h = ModulatedDCNPack(
            channels, channels, 3, padding=1, deform_groups=deform_groups)
        self.align_c = ModulatedDCNPack(
            channels, channels, 3, padding=1, deform_groups=deform_groups)
        self.gates = nn.Conv2d(2 * channels, 4 * channels, 3, 1, 1)

    def forward(self, x: torch.Tensor,
                state: Tuple[torch.Tensor, torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        """``x`` ``(B, C, H, W)`` and states ``(h, c)`` of the same shape -> new ``(h, c)``."""
        h, c = state
        offsets = self.offset_feat(torch.cat([x, h], dim=1))
        h, c = self.align_h(h, offsets), self.align_c(c, offsets)
        i, f, o, g = self.gates(torch.cat([x, h], dim=1)).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class BDConvLSTM(nn.Module):
    """Bidirectional deformable ConvLSTM over a feature sequence.

    A forward and a backward :class:`DeformableConvLSTMCell` pass (states start at zero) give two
    hidden states per frame, fused by a 1x1 convolution into the refined feature, as Zooming
    Slow-Mo (Xiang et al., CVPR 2020) and TMNet refine their sequences; STINet's Table 4 compares
    it with ST-GR ("ST-GR -> BDCL").

    Args:
        channels (int): Feature channels C.
        deform_groups (int): Deformable groups of the state alignment. Default: 8.
    """

    def __init__(self, channels: int, deform_groups: int = 8):
        super().__init__()
        self.forward_cell = DeformableConvLSTMCell(channels, deform_groups)
        self.backward_cell = DeformableConvLSTMCell(channels, deform_groups)
        self.fusion = nn.Conv2d(2 * channels, channels, 1)

    @staticmethod
    def _run(cell: DeformableConvLSTMCell, frames) -> list:
        state = (torch.zeros_like(frames[0]), torch.zeros_like(frames[0]))
        hidden = []
        for x in frames:
            state = cell(x, state)
            hidden.append(state[0])
        return hidden

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """Refine a sequence: ``(B, T, C, H, W)`` -> ``(B, T, C, H, W)``."""
        frames = feats.unbind(1)
        fwd = self._run(self.forward_cell, frames)
        bwd = self._run(self.backward_cell, frames[::-1])[::-1]
        fused = [self.fusion(torch.cat([f, b], dim=1)) for f, b in zip(fwd, bwd)]
        return torch.stack(fused, dim=1)
