# Builds the PyTorch test models (exporter, converter and convert-command tests) into the folder given as the only argument.
# Random weights, fixed seed; each model is small so that its export takes about a second.
import os
import sys

import torch
from torch import nn

out = sys.argv[1]
torch.manual_seed(0)


def path(name):
    return os.path.join(out, name)


class BertShaped(nn.Module):
    """Token, segment and position embeddings, a 2-layer encoder, start/end logits: the seed's interface."""

    def __init__(self, vocab=100, hidden=32, max_len=256):
        super().__init__()
        self.tokens = nn.Embedding(vocab, hidden)
        self.segments = nn.Embedding(2, hidden)
        self.positions = nn.Embedding(max_len, hidden)
        layer = nn.TransformerEncoderLayer(hidden, 4, 64, dropout=0.0, batch_first=True)
        # enable_nested_tensor=False: the nested-tensor fast path zeroes padded positions, so PyTorch's
        # reference would differ from the exported graph there.
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(hidden, 2)

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        h = self.tokens(input_ids) + self.segments(token_type_ids) + self.positions(positions)
        h = self.encoder(h, src_key_padding_mask=attention_mask == 0)
        logits = self.head(h)
        return logits[..., 0], logits[..., 1]


class FixedLength(nn.Module):
    """Positions of a constant length 16: traced, it accepts no other sequence length."""

    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(50, 8)
        self.positions = nn.Embedding(16, 8)

    def forward(self, input_ids):
        return self.tokens(input_ids) + self.positions(torch.arange(16))


class UpperTriangle(nn.Module):
    """torch.triu exports only from opset 14 on."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(8, 8)

    def forward(self, x):
        return torch.triu(self.linear(x))


class IgnoresSecondInput(nn.Module):
    """forward takes two inputs but uses one: torch.onnx.export leaves the unused one out of the graph."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(8, 2)

    def forward(self, x, unused):
        return self.linear(x)


ids = torch.randint(0, 50, (2, 16))
mask = torch.ones(2, 16, dtype=torch.long)
segments = torch.zeros(2, 16, dtype=torch.long)

mlp = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)).eval()
torch.jit.save(torch.jit.trace(mlp, torch.randn(2, 16)), path("mlp.pt"))
torch.save(mlp.state_dict(), path("mlp_state_dict.pth"))
torch.save([torch.zeros(2), torch.ones(3)], path("tensor_list.pth"))

sequential = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 3)).eval()
torch.save(sequential, path("sequential.pth"))
torch.save(sequential, path("sequential_legacy.pth"), _use_new_zipfile_serialization=False)

cnn = nn.Sequential(
    nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
    nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5)).eval()
torch.save(cnn, path("cnn.pth"))

bert = BertShaped().eval()
# Traced with gradients on: under torch.no_grad() eval mode records the fused encoder op no opset exports.
torch.jit.save(torch.jit.trace(bert, (ids, mask, segments), check_trace=False), path("bert.pt"))
with torch.no_grad():
    torch.jit.save(torch.jit.trace(bert, (ids, mask, segments), check_trace=False), path("bert_fused.pt"))

torch.jit.save(torch.jit.trace(FixedLength().eval(), ids), path("fixed_length.pt"))
torch.jit.save(torch.jit.trace(UpperTriangle().eval(), torch.randn(2, 8)), path("triu.pt"))
torch.jit.save(torch.jit.trace(IgnoresSecondInput().eval(), (torch.randn(2, 8), torch.randn(2, 8))), path("unused_input.pt"))
