"""d2l v2 8.5, a character RNN from scratch on The Time Machine (d2l-v2-rnn-from-scratch-time-machine.txt).

Writes results/reference/TimeMachineRnnScratch.csv: per sampling run and seed, the training perplexity of every
epoch. The d2l library functions the tutorial calls are written out below as d2l v2 defines them. Changes
from the tutorial: see reference/README.md.
"""
import collections
import math
import random
import re

import torch
from torch import nn
from torch.nn import functional as F

import common


# ---- d2l.load_data_time_machine(batch_size, num_steps), as in d2l v2 ----
def read_time_machine():
    with open(common.dataset("timemachine.txt"), "r") as f:
        lines = f.readlines()
    return [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in lines]


class Vocab:
    def __init__(self, tokens):
        counter = collections.Counter([token for line in tokens for token in line])
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = ["<unk>"]
        self.token_to_idx = {"<unk>": 0}
        for token, freq in self._token_freqs:
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, token):
        return self.token_to_idx.get(token, 0)


def load_corpus_time_machine(max_tokens=10000):
    tokens = [list(line) for line in read_time_machine()]
    vocab = Vocab(tokens)
    corpus = [vocab[token] for line in tokens for token in line]
    return corpus[:max_tokens], vocab


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset: offset + num_tokens])
    Ys = torch.tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        yield Xs[:, i: i + num_steps], Ys[:, i: i + num_steps]


class SeqDataLoader:
    def __init__(self, corpus, batch_size, num_steps):
        self.corpus, self.batch_size, self.num_steps = corpus, batch_size, num_steps

    def __iter__(self):
        return seq_data_iter_sequential(self.corpus, self.batch_size, self.num_steps)


# ---- the tutorial's code ----
def get_params(vocab_size, num_hiddens, device):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = torch.zeros(num_hiddens, device=device)
    W_hq = normal((num_hiddens, num_outputs))
    b_q = torch.zeros(num_outputs, device=device)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size, num_hiddens, device):
    return (torch.zeros((batch_size, num_hiddens), device=device),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


class RNNModelScratch:
    def __init__(self, vocab_size, num_hiddens, device, get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size, device):
        return self.init_state(batch_size, self.num_hiddens, device)


def grad_clipping(net, theta):
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def sgd(params, lr, batch_size):  # d2l.sgd
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter):
    state = None
    total, count = 0.0, 0
    for X, Y in train_iter:
        if state is None or use_random_iter:
            state = net.begin_state(batch_size=X.shape[0], device=device)
        else:
            for s in state:
                s.detach_()
        y = Y.T.reshape(-1)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        l.backward()
        grad_clipping(net, 1)
        updater(batch_size=1)
        total += float(l) * y.numel()
        count += y.numel()
    return math.exp(total / count)


def train_ch8(net, train_iter, lr, num_epochs, device, use_random_iter=False):
    loss = nn.CrossEntropyLoss()
    updater = lambda batch_size: sgd(net.params, lr, batch_size)
    ppls = []
    for epoch in range(num_epochs):
        ppls.append(train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter))
    return ppls


# the tutorial's settings (its code's own values)
BATCH_SIZE, NUM_STEPS, NUM_HIDDENS, NUM_EPOCHS, LR = 32, 35, 512, 500, 1


def start(seed, num_hiddens=NUM_HIDDENS, num_epochs=NUM_EPOCHS, num_steps=NUM_STEPS):
    """The start main() begins that seed's runs from (both samplings: each seeds afresh): the same seeding, then the
    same construction, and the batches' order, which its run draws from Python's random and nothing else does (one
    seq_data_iter_sequential offset an epoch)."""
    vocab = load_corpus_time_machine()[1]
    random.seed(seed)
    torch.manual_seed(seed)
    names = ["W_xh", "W_hh", "b_h", "W_hq", "b_q"]
    start = dict(zip(names, get_params(len(vocab), num_hiddens, torch.device("cpu"))))
    start[common.BATCH_OFFSETS] = [random.randint(0, num_steps) for _ in range(num_epochs)]
    return start


def main():
    a = common.args("0..4", __doc__, starts={"TimeMachineRnnScratch": start})
    if a.only and "TimeMachineRnnScratch" not in a.only:
        return  # --only names other scripts' experiments
    common.one_thread()
    table = common.Table(a.out, "TimeMachineRnnScratch")
    batch_size, num_steps, num_hiddens, num_epochs, lr = BATCH_SIZE, NUM_STEPS, NUM_HIDDENS, NUM_EPOCHS, LR
    corpus, vocab = load_corpus_time_machine()
    device = torch.device("cpu")
    for seed in a.seeds:
        for sampling, use_random_iter in [("sequential", False), ("random", True)]:
            setting = "sampling=%s;seed=%d" % (sampling, seed)
            if table.has(setting):
                continue
            clock = common.Clock()
            random.seed(seed)
            torch.manual_seed(seed)
            # the random run reuses the sequential iterator, as the tutorial's does
            train_iter = SeqDataLoader(corpus, batch_size, num_steps)
            net = RNNModelScratch(len(vocab), num_hiddens, device, get_params, init_rnn_state, rnn)
            ppls = train_ch8(net, train_iter, lr, num_epochs, device, use_random_iter)
            rows = [(e + 1, "perplexity", p) for e, p in enumerate(ppls)] + [("final", "perplexity", ppls[-1])]
            table.append(setting, rows, clock.seconds())


if __name__ == "__main__":
    main()
