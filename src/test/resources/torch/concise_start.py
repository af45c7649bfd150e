"""The lyrics tutorial's concise models (d2l-zh's RNNModel around nn.RNN, nn.GRU, nn.LSTM, a 2-layer nn.LSTM and a
bidirectional nn.GRU, as reference/pytorch/jaychou.py builds them) at a small size: each one's start, a batch and the
tutorial's loss on it: the fixture concise_start.json of rnnlab.lm.TorchStartTest, which loads each start into the
project's network (rnnlab.model.TorchStart.rnnModel) and asserts the same loss.

Run with Debian's PyTorch (the fixture was written by 1.13), from the project's root:
    /usr/bin/python3 src/test/resources/torch/concise_start.py > src/test/resources/torch/concise_start.json
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "reference",
                                "pytorch"))
import jaychou  # noqa: E402

VOCAB, HIDDEN, BATCH, STEPS = 7, 4, 2, 5
MODELS = {
    "rnn": (lambda: nn.RNN(input_size=VOCAB, hidden_size=HIDDEN), 1, False),
    "gru": (lambda: nn.GRU(input_size=VOCAB, hidden_size=HIDDEN), 1, False),
    "lstm": (lambda: nn.LSTM(input_size=VOCAB, hidden_size=HIDDEN), 1, False),
    "lstm2": (lambda: nn.LSTM(input_size=VOCAB, hidden_size=HIDDEN, num_layers=2), 2, False),
    "bigru": (lambda: nn.GRU(input_size=VOCAB, hidden_size=HIDDEN, bidirectional=True), 1, True),
}

out = {"vocab": VOCAB, "hidden": HIDDEN, "steps": STEPS}
for seed, (name, (layer, layers, bidirectional)) in enumerate(MODELS.items()):
    torch.manual_seed(seed)
    model = jaychou.RNNModel(layer(), VOCAB)
    start = {k: v.detach().tolist() for k, v in model.named_parameters()}
    X = torch.randint(0, VOCAB, (BATCH, STEPS))
    Y = torch.randint(0, VOCAB, (BATCH, STEPS))
    output, _ = model(X, None)  # as train_and_predict_rnn_pytorch's first batch, from no state
    loss = nn.CrossEntropyLoss()(output, torch.transpose(Y, 0, 1).contiguous().view(-1))
    out[name] = {"layers": layers, "bidirectional": bidirectional, "start": start, "x": X.tolist(), "y": Y.tolist(),
                 "loss": loss.item()}
print(json.dumps(out))
