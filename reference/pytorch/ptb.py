"""The Penn Treebank word models of embedding-rnn-lstm-ptb-word-lm.txt (the course's vanilla RNN of 150 and its
LSTM of 300), as the tutorial's code trains them: SGD on gradients normalised to norm 1, the learning rate
divided each epoch from a given one, the state carried across batches and detached.

Writes results/reference/PtbWordRnn.csv and PtbWordLstm.csv: per seed, the training and test perplexity after
every epoch. The course's utils (the data tensors, normalize_gradient, eval_on_test_set) are written out below.
Changes from the tutorial: see reference/README.md.
"""
import math
import zipfile

import torch
import torch.nn as nn

import common

bs = 20
vocab_size = 10000
seq_length = 35


# ---- the course's data: ptb.{train,test}.txt, each line's words then <eos>, ids by first appearance,
# laid out as [rows, bs] (view(bs, -1).t()) ----
def read_ptb(names=("train", "test")):
    """{split: 1-D LongTensor of word ids}: each line's words then <eos>, ids in order of first appearance in
    the training text (zaremba.py reads the same corpus the same way)."""
    with zipfile.ZipFile(common.dataset("ptb.zip")) as z:
        splits = {}
        for name in ["train"] + [n for n in names if n != "train"]:
            words = []
            for line in z.read("ptb/ptb.%s.txt" % name).decode("utf-8").splitlines():
                words.extend(line.split())
                words.append("<eos>")
            splits[name] = words
    index = {}
    for w in splits["train"]:
        index.setdefault(w, len(index))
    assert len(index) == vocab_size, len(index)
    return {name: torch.LongTensor([index[w] for w in splits[name]]) for name in names}


def batchify(ids, batch):
    """[rows, batch]: the ids cut into `batch` contiguous streams side by side (view(batch, -1).t())."""
    rows = len(ids) // batch
    return ids[: rows * batch].view(batch, -1).t().contiguous()


def load_ptb():
    ids = read_ptb(("train", "test"))
    return [batchify(ids[name], bs) for name in ["train", "test"]]


class three_layer_recurrent_net(nn.Module):
    def __init__(self, hidden_size, lstm):
        super(three_layer_recurrent_net, self).__init__()
        self.lstm = lstm
        self.layer1 = nn.Embedding(vocab_size, hidden_size)
        self.layer2 = nn.LSTM(hidden_size, hidden_size) if lstm else nn.RNN(hidden_size, hidden_size)
        self.layer3 = nn.Linear(hidden_size, vocab_size)

    def forward(self, word_seq, h_init, c_init=None):
        g_seq = self.layer1(word_seq)
        if self.lstm:
            h_seq, (h_final, c_final) = self.layer2(g_seq, (h_init, c_init))
        else:
            h_seq, h_final = self.layer2(g_seq, h_init)
            c_final = None
        score_seq = self.layer3(h_seq)
        return score_seq, h_final, c_final


def normalize_gradient(net):  # the course's utils.normalize_gradient
    grad_norm_sq = 0
    for p in net.parameters():
        grad_norm_sq += p.grad.data.norm() ** 2
    grad_norm = math.sqrt(grad_norm_sq)
    if grad_norm < 1e-4:
        net.zero_grad()
    else:
        for p in net.parameters():
            p.grad.data.div_(grad_norm)
    return grad_norm


def eval_on_test_set(net, test_data, hidden_size, criterion):
    running_loss = 0
    num_batches = 0
    h = torch.zeros(1, bs, hidden_size)
    c = torch.zeros(1, bs, hidden_size)
    with torch.no_grad():  # the course evaluates with gradients on; the numbers are the same
        for count in range(0, test_data.size(0) - 1 - seq_length, seq_length):
            minibatch_data = test_data[count: count + seq_length]
            minibatch_label = test_data[count + 1: count + seq_length + 1]
            scores, h, c = net(minibatch_data, h, c)
            scores = scores.view(bs * seq_length, vocab_size)
            minibatch_label = minibatch_label.reshape(bs * seq_length)
            loss = criterion(scores, minibatch_label)
            running_loss += loss.item()
            num_batches += 1
    return math.exp(running_loss / num_batches)


def train(lstm, train_data, test_data):
    hidden_size, my_lr, divisor, divide_from, epochs = (300, 5, 3, 2, 8) if lstm else (150, 1, 1.1, 4, 10)
    net = three_layer_recurrent_net(hidden_size, lstm)
    # the course's notebook (not printed in the post) then draws these two uniformly in +-0.1, as the suite does
    net.layer1.weight.data.uniform_(-0.1, 0.1)
    net.layer3.weight.data.uniform_(-0.1, 0.1)
    criterion = nn.CrossEntropyLoss()
    rows = []
    for epoch in range(epochs):
        if epoch >= divide_from:
            my_lr = my_lr / divisor
        optimizer = torch.optim.SGD(net.parameters(), lr=my_lr)
        running_loss = 0
        num_batches = 0
        h = torch.zeros(1, bs, hidden_size)
        c = torch.zeros(1, bs, hidden_size)
        for count in range(0, train_data.size(0) - 1 - seq_length, seq_length):
            optimizer.zero_grad()
            minibatch_data = train_data[count: count + seq_length]
            minibatch_label = train_data[count + 1: count + seq_length + 1]
            h = h.detach().requires_grad_()
            if lstm:
                c = c.detach().requires_grad_()
            scores, h, c = net(minibatch_data, h, c)
            scores = scores.view(bs * seq_length, vocab_size)
            minibatch_label = minibatch_label.reshape(bs * seq_length)
            loss = criterion(scores, minibatch_label)
            loss.backward()
            normalize_gradient(net)
            optimizer.step()
            running_loss += loss.item()
            num_batches += 1
        total_loss = running_loss / num_batches
        test_ppl = eval_on_test_set(net, test_data, hidden_size, criterion)
        print("epoch=", epoch, "\t lr=", my_lr, "\t exp(loss)=", math.exp(total_loss), "\t test:", test_ppl, flush=True)
        rows += [(epoch + 1, "lr", my_lr), (epoch + 1, "perplexity", math.exp(total_loss)),
                 (epoch + 1, "test_perplexity", test_ppl)]
    rows += [("final", "perplexity", math.exp(total_loss)), ("final", "test_perplexity", test_ppl)]
    return rows


def main():
    a = common.args("0..2", __doc__)
    models = [(name, lstm) for name, lstm in [("PtbWordRnn", False), ("PtbWordLstm", True)]
              if not a.only or name in a.only]
    if not models:
        return  # --only names other scripts' experiments: no corpus to load
    common.one_thread()
    train_data, test_data = load_ptb()
    for name, lstm in models:
        table = common.Table(a.out, name)
        for seed in a.seeds:
            setting = "model=%s;seed=%d" % ("lstm" if lstm else "rnn", seed)
            if table.has(setting):
                continue
            clock = common.Clock()
            torch.manual_seed(seed)
            table.append(setting, train(lstm, train_data, test_data), clock.seconds())


if __name__ == "__main__":
    main()
