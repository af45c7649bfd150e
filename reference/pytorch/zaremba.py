"""The Penn Treebank word models of Zaremba, Sutskever and Vinyals, "Recurrent Neural Network Regularization"
(2014, arXiv 1409.2329), section 4.1 and Table 1: the non-regularised small LSTM (2 layers of 200) and the medium
one with dropout (2 layers of 650), written by the project from the paper (its own code is Lua/Torch 7);
TensorFlow's ptb_word_lm SmallConfig/MediumConfig settle what the paper leaves open.

Writes results/reference/PtbZarembaSmall.csv and PtbZarembaMedium.csv: per seed and epoch the learning rate,
the training perplexity (dropout on, as trained) and the validation perplexity; after the last epoch the test
perplexity. A run saves its whole state (model, random generator, position in the epoch) to
OUT/checkpoints/NAME.seed=N.pt every few minutes and a restarted script continues from there, so that a medium
run (about 8 hours a seed on one core) may span sittings. Choices and where they come from: reference/README.md.
"""
import math
import os
import sys
import time

import torch
import torch.nn as nn

import common
import ptb

# the paper's section 4.1; `divisor`: the learning rate is divided by it at each epoch after `decay_after`
CONFIGS = {
    "PtbZarembaSmall": dict(hidden=200, init=0.1, steps=20, epochs=13, decay_after=4, divisor=2.0, dropout=0.0,
                            clip=5.0),
    # the paper divides by 1.2 after the 6th epoch; TensorFlow's MediumConfig multiplies by 0.8 (= 1/1.25)
    "PtbZarembaMedium": dict(hidden=650, init=0.05, steps=35, epochs=39, decay_after=6, divisor=1.2, dropout=0.5,
                             clip=5.0),
}
BATCH = 20
LAYERS = 2
LR = 1.0
VOCAB = ptb.vocab_size


class Net(nn.Module):
    """Embedding, two stacked LSTMs, linear softmax; dropout on the non-recurrent connections only: the
    embedding's output, between the layers (nn.LSTM's own dropout) and before the softmax."""

    def __init__(self, hidden, dropout):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, hidden)
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(hidden, hidden, LAYERS, dropout=dropout)
        self.out = nn.Linear(hidden, VOCAB)

    def forward(self, x, state):
        h, state = self.lstm(self.drop(self.embed(x)), state)
        return self.out(self.drop(h)), state


def zero_state(hidden, batch):
    return (torch.zeros(LAYERS, batch, hidden), torch.zeros(LAYERS, batch, hidden))


def starts(rows, steps):
    """The batches' first rows, as the suite's PTB pipeline walks a split (rnnlab.data.WordCorpus.starts)."""
    return list(range(0, rows - 1 - steps, steps))


def evaluate(net, data, steps, hidden):
    """exp of the mean cross-entropy over the split's columns walked `steps` rows at a time from a zero state,
    carried; dropout off."""
    net.eval()
    state = zero_state(hidden, data.size(1))
    total, n = 0.0, 0
    with torch.no_grad():
        for s in starts(data.size(0), steps):
            logits, state = net(data[s:s + steps], state)
            total += nn.functional.cross_entropy(logits.view(-1, VOCAB), data[s + 1:s + steps + 1].reshape(-1)).item()
            n += 1
    net.train()
    return math.exp(total / n)


def lr_at(cfg, epoch):
    """Epoch from 1."""
    return LR / cfg["divisor"] ** max(epoch - cfg["decay_after"], 0)


def save(path, blob):
    """Atomically: a stopped process leaves the previous checkpoint or the new one, never half of one."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        torch.save(blob, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(path + ".tmp", path)


def train(cfg, data, seed, ckpt, every_seconds, epochs):
    """One run; returns (rows, seconds). Continues from `ckpt` if it exists, saving to it every `every_seconds`."""
    hidden, steps = cfg["hidden"], cfg["steps"]
    torch.manual_seed(seed)
    net = Net(hidden, cfg["dropout"])
    for p in net.parameters():  # every parameter, biases and embedding included (the paper's "parameters")
        p.data.uniform_(-cfg["init"], cfg["init"])
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    train_data = data["train"]
    batches = starts(train_data.size(0), steps)
    at = dict(epoch=1, batch=0, loss_sum=0.0, state=zero_state(hidden, BATCH), rows=[], seconds=0.0)
    if os.path.exists(ckpt):
        blob = torch.load(ckpt)
        net.load_state_dict(blob["model"])
        opt.load_state_dict(blob["optimizer"])
        torch.set_rng_state(blob["rng"])
        at = blob["at"]
        print("continuing from %s: epoch %d, batch %d of %d" % (ckpt, at["epoch"], at["batch"] + 1, len(batches)),
              flush=True)
    clock = common.Clock()
    last_save = time.time()
    rows = at["rows"]

    def checkpoint(epoch, batch, loss_sum, state):
        save(ckpt, dict(model=net.state_dict(), optimizer=opt.state_dict(), rng=torch.get_rng_state(),
                        at=dict(epoch=epoch, batch=batch, loss_sum=loss_sum, state=state, rows=rows,
                                seconds=at["seconds"] + clock.seconds())))

    net.train()
    for epoch in range(at["epoch"], epochs + 1):
        lr = lr_at(cfg, epoch)
        for g in opt.param_groups:
            g["lr"] = lr
        resumed = epoch == at["epoch"]
        first = at["batch"] if resumed else 0
        loss_sum = at["loss_sum"] if resumed else 0.0
        state = at["state"] if resumed else zero_state(hidden, BATCH)
        for b in range(first, len(batches)):
            if time.time() - last_save >= every_seconds:
                checkpoint(epoch, b, loss_sum, state)
                last_save = time.time()
            s = batches[b]
            state = tuple(t.detach() for t in state)
            logits, state = net(train_data[s:s + steps], state)
            loss = nn.functional.cross_entropy(logits.view(-1, VOCAB), train_data[s + 1:s + steps + 1].reshape(-1))
            opt.zero_grad()
            # the loss summed over the unrolled steps and averaged over the batch ("normalized by minibatch size")
            (loss * steps).backward()
            nn.utils.clip_grad_norm_(net.parameters(), cfg["clip"])
            opt.step()
            loss_sum += loss.item()
        train_ppl = math.exp(loss_sum / len(batches))
        valid_ppl = evaluate(net, data["valid"], steps, hidden)
        print("epoch %d lr %.6g train %.3f valid %.3f (%.0f s)" % (epoch, lr, train_ppl, valid_ppl,
                                                                   at["seconds"] + clock.seconds()), flush=True)
        rows += [(epoch, "lr", lr), (epoch, "perplexity", train_ppl), (epoch, "valid_perplexity", valid_ppl)]
        if epoch < epochs:
            checkpoint(epoch + 1, 0, 0.0, zero_state(hidden, BATCH))
            last_save = time.time()
    # the test split as one stream (batch 1), as the paper's code and ptb_word_lm's eval_config evaluate it
    test_ppl = evaluate(net, data["test"], steps, hidden)
    print("test %.3f" % test_ppl, flush=True)
    rows += [("final", "perplexity", train_ppl), ("final", "valid_perplexity", valid_ppl),
             ("final", "test_perplexity", test_ppl)]
    return rows, at["seconds"] + clock.seconds()


def extra(p):
    p.add_argument("--checkpoint-minutes", type=float, default=5,
                   help="minutes between checkpoints within a run (default 5)")
    p.add_argument("--tokens", type=int, default=0,
                   help="a trial: only the first N tokens of each split (needs --out; default 0, all)")
    p.add_argument("--epochs", type=int, default=0, help="a trial: at most N epochs (needs --out; default 0, all)")


def main():
    a = common.args("0..4", __doc__, extra)
    if (a.tokens or a.epochs) and os.path.abspath(a.out) == os.path.join(common.ROOT, "results", "reference"):
        sys.exit("--tokens and --epochs make trial runs: give them an --out folder other than results/reference")
    if a.only and not any(name in a.only for name in CONFIGS):
        return  # --only names other scripts' experiments: no corpus to load
    common.one_thread()
    ids = ptb.read_ptb(("train", "valid", "test"))
    if a.tokens:
        ids = {k: v[:a.tokens] for k, v in ids.items()}
    data = {"train": ptb.batchify(ids["train"], BATCH), "valid": ptb.batchify(ids["valid"], BATCH),
            "test": ptb.batchify(ids["test"], 1)}
    for name, cfg in CONFIGS.items():
        if a.only and name not in a.only:
            continue
        table = common.Table(a.out, name)
        for seed in a.seeds:
            setting = "model=%s;seed=%d" % (name[len("PtbZaremba"):].lower(), seed)
            if table.has(setting):
                continue
            ckpt = os.path.join(a.out, "checkpoints", "%s.seed=%d.pt" % (name, seed))
            epochs = min(a.epochs, cfg["epochs"]) if a.epochs else cfg["epochs"]
            rows, seconds = train(cfg, data, seed, ckpt, a.checkpoint_minutes * 60, epochs)
            table.append(setting, rows, seconds)
            if os.path.exists(ckpt):
                os.remove(ckpt)


if __name__ == "__main__":
    main()
