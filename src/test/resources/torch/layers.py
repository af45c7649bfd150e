"""Outputs and gradients of PyTorch's nn.RNN, nn.LSTM and nn.GRU for fixed weights: the fixture layers.json of
rnnlab.model.TorchLayersTest, which loads the same weights into the project's Srn, Lstm and Gru (two biases, the GRU
in PyTorch's form) and asserts the same numbers.

Run with Debian's PyTorch (the fixture was written by 1.13), from the project's root:
    /usr/bin/python3 src/test/resources/torch/layers.py > src/test/resources/torch/layers.json

Each model: nIn 3, hidden 4, 5 steps, batch 2, a zero initial state, weights as PyTorch's default initialisation draws
them after torch.manual_seed (in double precision). The loss is sum(output * G) for a fixed G, so dL/doutput = G.
Arrays are PyTorch's: x, G and output [steps, batch, ...] (seq-first), weight_ih_l0 [gates*hidden, nIn] with the gate
blocks in PyTorch's order (LSTM i, f, g, o; GRU r, z, n), weight_hh_l0 [gates*hidden, hidden], bias_ih_l0 and
bias_hh_l0 [gates*hidden]; "grad" holds dL/d of each parameter and of x.
"""
import json

import torch

N_IN, HIDDEN, STEPS, BATCH = 3, 4, 5, 2


def case(name, module, seed):
    torch.manual_seed(seed)
    layer = module(N_IN, HIDDEN).double()
    x = torch.randn(STEPS, BATCH, N_IN, dtype=torch.float64, requires_grad=True)
    g = torch.randn(STEPS, BATCH, HIDDEN, dtype=torch.float64)
    out, _ = layer(x)
    (out * g).sum().backward()
    params = dict(layer.named_parameters())
    return name, {
        "params": {k: v.detach().tolist() for k, v in params.items()},
        "x": x.detach().tolist(),
        "G": g.tolist(),
        "output": out.detach().tolist(),
        "grad": dict({k: v.grad.tolist() for k, v in params.items()}, x=x.grad.tolist()),
    }


print(json.dumps(dict([
    case("rnn", torch.nn.RNN, 1),
    case("lstm", torch.nn.LSTM, 2),
    case("gru", torch.nn.GRU, 3),
]), indent=1))
