"""d2l-zh v1 (PyTorch port) on the Jay Chou lyrics (d2l-zh-v1-rnn-gru-lstm-deep-bi-jaychou-lyrics.txt).

Writes results/reference/NAME.csv for JayChouRnnScratch (train_and_predict_rnn with the from-scratch RNN of
d2l-zh 6.4, random and consecutive sampling), JayChouRnn, JayChouGru, JayChouLstm, JayChouDeepLstm and
JayChouBiGru (train_and_predict_rnn_pytorch with nn.RNN, nn.GRU, nn.LSTM, a 2-layer nn.LSTM and a
bidirectional nn.GRU): per run and seed, the training perplexity of every epoch. The d2lzh_pytorch functions
the tutorial calls are written out below as that package defines them. Changes from the tutorial: see
reference/README.md.
"""
import math
import random
import zipfile

import numpy as np
import torch
from torch import nn

import common


# ---- d2lzh_pytorch ----
def load_data_jay_lyrics():
    with zipfile.ZipFile(common.dataset("jaychou_lyrics.txt.zip")) as zin:
        with zin.open("jaychou_lyrics.txt") as f:
            corpus_chars = f.read().decode("utf-8")
    corpus_chars = corpus_chars.replace("\n", " ").replace("\r", " ")
    corpus_chars = corpus_chars[0:10000]
    idx_to_char = list(dict.fromkeys(corpus_chars))  # list(set(...)) in d2lzh: its order changes per process
    char_to_idx = dict([(char, i) for i, char in enumerate(idx_to_char)])
    vocab_size = len(char_to_idx)
    corpus_indices = [char_to_idx[char] for char in corpus_chars]
    return corpus_indices, char_to_idx, idx_to_char, vocab_size


def data_iter_random(corpus_indices, batch_size, num_steps, device=None):
    num_examples = (len(corpus_indices) - 1) // num_steps
    epoch_size = num_examples // batch_size
    example_indices = list(range(num_examples))
    random.shuffle(example_indices)

    def _data(pos):
        return corpus_indices[pos: pos + num_steps]

    for i in range(epoch_size):
        i = i * batch_size
        batch_indices = example_indices[i: i + batch_size]
        X = [_data(j * num_steps) for j in batch_indices]
        Y = [_data(j * num_steps + 1) for j in batch_indices]
        yield torch.tensor(X, dtype=torch.float32, device=device), torch.tensor(Y, dtype=torch.float32, device=device)


def data_iter_consecutive(corpus_indices, batch_size, num_steps, device=None):
    corpus_indices = torch.tensor(corpus_indices, dtype=torch.float32, device=device)
    data_len = len(corpus_indices)
    batch_len = data_len // batch_size
    indices = corpus_indices[0: batch_size * batch_len].view(batch_size, batch_len)
    epoch_size = (batch_len - 1) // num_steps
    for i in range(epoch_size):
        i = i * num_steps
        X = indices[:, i: i + num_steps]
        Y = indices[:, i + 1: i + num_steps + 1]
        yield X, Y


def one_hot(x, n_class, dtype=torch.float32):
    x = x.long()
    res = torch.zeros(x.shape[0], n_class, dtype=dtype, device=x.device)
    res.scatter_(1, x.view(-1, 1), 1)
    return res


def to_onehot(X, n_class):
    return [one_hot(X[:, i], n_class) for i in range(X.shape[1])]


def grad_clipping(params, theta, device):
    norm = torch.tensor([0.0], device=device)
    for param in params:
        norm += (param.grad.data ** 2).sum()
    norm = norm.sqrt().item()
    if norm > theta:
        for param in params:
            param.grad.data *= (theta / norm)


def sgd(params, lr, batch_size):
    for param in params:
        param.data -= lr * param.grad / batch_size


# ---- d2l-zh 6.4: the RNN from scratch, and train_and_predict_rnn ----
def scratch_params(vocab_size, num_hiddens, device):
    num_inputs, num_outputs = vocab_size, vocab_size

    def _one(shape):
        ts = torch.tensor(np.random.normal(0, 0.01, size=shape), device=device, dtype=torch.float32)
        return torch.nn.Parameter(ts, requires_grad=True)

    W_xh = _one((num_inputs, num_hiddens))
    W_hh = _one((num_hiddens, num_hiddens))
    b_h = torch.nn.Parameter(torch.zeros(num_hiddens, device=device, requires_grad=True))
    W_hq = _one((num_hiddens, num_outputs))
    b_q = torch.nn.Parameter(torch.zeros(num_outputs, device=device, requires_grad=True))
    return nn.ParameterList([W_xh, W_hh, b_h, W_hq, b_q])


def init_rnn_state(batch_size, num_hiddens, device):
    return (torch.zeros((batch_size, num_hiddens), device=device),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.matmul(X, W_xh) + torch.matmul(H, W_hh) + b_h)
        Y = torch.matmul(H, W_hq) + b_q
        outputs.append(Y)
    return outputs, (H,)


def train_and_predict_rnn(rnn, params, init_rnn_state, num_hiddens, vocab_size, device, corpus_indices,
                          is_random_iter, num_epochs, num_steps, lr, clipping_theta, batch_size):
    data_iter_fn = data_iter_random if is_random_iter else data_iter_consecutive
    loss = nn.CrossEntropyLoss()
    ppls = []
    for epoch in range(num_epochs):
        if not is_random_iter:
            state = init_rnn_state(batch_size, num_hiddens, device)
        l_sum, n = 0.0, 0
        for X, Y in data_iter_fn(corpus_indices, batch_size, num_steps, device):
            if is_random_iter:
                state = init_rnn_state(batch_size, num_hiddens, device)
            else:
                for s in state:
                    s.detach_()
            inputs = to_onehot(X, vocab_size)
            (outputs, state) = rnn(inputs, state, params)
            outputs = torch.cat(outputs, dim=0)
            y = torch.transpose(Y, 0, 1).contiguous().view(-1)
            l = loss(outputs, y.long())
            if params[0].grad is not None:
                for param in params:
                    param.grad.data.zero_()
            l.backward()
            grad_clipping(params, clipping_theta, device)
            sgd(params, lr, 1)
            l_sum += l.item() * y.shape[0]
            n += y.shape[0]
        ppls.append(math.exp(l_sum / n))
    return ppls


# ---- the concise models: RNNModel and train_and_predict_rnn_pytorch ----
class RNNModel(nn.Module):
    def __init__(self, rnn_layer, vocab_size):
        super(RNNModel, self).__init__()
        self.rnn = rnn_layer
        self.hidden_size = rnn_layer.hidden_size * (2 if rnn_layer.bidirectional else 1)
        self.vocab_size = vocab_size
        self.dense = nn.Linear(self.hidden_size, vocab_size)
        self.state = None

    def forward(self, inputs, state):
        X = to_onehot(inputs, self.vocab_size)
        Y, self.state = self.rnn(torch.stack(X), state)
        output = self.dense(Y.view(-1, Y.shape[-1]))
        return output, self.state


def train_and_predict_rnn_pytorch(model, num_hiddens, vocab_size, device, corpus_indices, num_epochs, num_steps, lr,
                                  clipping_theta, batch_size):
    loss = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    state = None
    ppls = []
    for epoch in range(num_epochs):
        l_sum, n = 0.0, 0
        for X, Y in data_iter_consecutive(corpus_indices, batch_size, num_steps, device):
            if state is not None:
                if isinstance(state, tuple):
                    state = (state[0].detach(), state[1].detach())
                else:
                    state = state.detach()
            (output, state) = model(X, state)
            y = torch.transpose(Y, 0, 1).contiguous().view(-1)
            l = loss(output, y.long())
            optimizer.zero_grad()
            l.backward()
            grad_clipping(model.parameters(), clipping_theta, device)  # a generator: clips nothing (kept)
            optimizer.step()
            l_sum += l.item() * y.shape[0]
            n += y.shape[0]
        try:
            perplexity = math.exp(l_sum / n)
        except OverflowError:
            perplexity = float("inf")
        ppls.append(perplexity)
    return ppls


CONCISE = {
    # name: (layer factory, lr, epochs); num_steps 35, batch 32, clipping_theta 1e-2 for all
    "JayChouRnn": (lambda v: nn.RNN(input_size=v, hidden_size=256), 1e-3, 250),
    "JayChouGru": (lambda v: nn.GRU(input_size=v, hidden_size=256), 1e-2, 160),
    "JayChouLstm": (lambda v: nn.LSTM(input_size=v, hidden_size=256), 1e-2, 160),
    "JayChouDeepLstm": (lambda v: nn.LSTM(input_size=v, hidden_size=256, num_layers=2), 1e-2, 160),
    "JayChouBiGru": (lambda v: nn.GRU(input_size=v, hidden_size=128, bidirectional=True), 1e-2, 160),
}


def concise_start(name):
    """The function of the seed that returns the concise model main() begins that seed's run from: the same seeding,
    then the same construction (the corpus, read before, draws no random numbers)."""
    def start(seed):
        vocab_size = load_data_jay_lyrics()[3]
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        return RNNModel(CONCISE[name][0](vocab_size), vocab_size)
    return start


def main():
    a = common.args("0..4", __doc__, starts={name: concise_start(name) for name in CONCISE})
    names = [name for name in ["JayChouRnnScratch"] + list(CONCISE) if not a.only or name in a.only]
    if not names:
        return  # --only names other scripts' experiments: no corpus to load
    common.one_thread()
    corpus_indices, char_to_idx, idx_to_char, vocab_size = load_data_jay_lyrics()
    device = torch.device("cpu")
    for name in names:
        table = common.Table(a.out, name)
        for seed in a.seeds:
            runs = [("random", True), ("sequential", False)] if name == "JayChouRnnScratch" else [("sequential", False)]
            for sampling, is_random in runs:
                setting = "sampling=%s;seed=%d" % (sampling, seed)
                if table.has(setting):
                    continue
                clock = common.Clock()
                random.seed(seed)
                np.random.seed(seed)
                torch.manual_seed(seed)
                if name == "JayChouRnnScratch":
                    params = scratch_params(vocab_size, 256, device)
                    ppls = train_and_predict_rnn(rnn, params, init_rnn_state, 256, vocab_size, device, corpus_indices,
                                                 is_random, 250, 35, 1e2, 1e-2, 32)
                else:
                    layer, lr, epochs = CONCISE[name]
                    model = RNNModel(layer(vocab_size), vocab_size).to(device)
                    ppls = train_and_predict_rnn_pytorch(model, 256, vocab_size, device, corpus_indices, epochs, 35,
                                                         lr, 1e-2, 32)
                rows = [(e + 1, "perplexity", p) for e, p in enumerate(ppls)] + [("final", "perplexity", ppls[-1])]
                table.append(setting, rows, clock.seconds())


if __name__ == "__main__":
    main()
