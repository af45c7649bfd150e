"""NNDL 6.1, the SRN memory experiment (nndl-digitsum-srn-memory.txt), as the tutorial's code runs it.

Writes results/reference/DigitSumSrn.csv: per length and seed, the dev accuracy at each evaluation, the best
dev accuracy and the test accuracy of the best model. Changes from the tutorial: see reference/README.md.
"""
import copy
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common


# ---- 6.1.1.1: the data, generated once with NumPy's seed 0 for every length in the tutorial's order ----
def generate_data(length, k, save_path):
    if length < 3:
        raise ValueError("The length of data should be greater than 2.")
    if k == 0:
        raise ValueError("k should be greater than 0.")
    base_examples = []
    for n1 in range(0, 10):
        for n2 in range(0, 10):
            seq = [n1, n2] + [0] * (length - 2)
            label = n1 + n2
            base_examples.append((seq, label))
    examples = []
    for base_example in base_examples:
        for _ in range(k):
            idx = np.random.randint(2, length)
            val = np.random.randint(0, 10)
            seq = base_example[0].copy()
            label = base_example[1]
            seq[idx] = val
            examples.append((seq, label))
    with open(save_path, "w", encoding="utf-8") as f:
        for example in examples:
            seq = [str(e) for e in example[0]]
            label = str(example[1])
            line = " ".join(seq) + "\t" + label + "\n"
            f.write(line)


def make_datasets(root):
    random.seed(0)
    np.random.seed(0)
    for length in [5, 10, 15, 20, 25, 30, 35]:
        os.makedirs(os.path.join(root, str(length)), exist_ok=True)
        generate_data(length, 3, os.path.join(root, str(length), "train.txt"))
        generate_data(length, 1, os.path.join(root, str(length), "dev.txt"))
        generate_data(length, 1, os.path.join(root, str(length), "test.txt"))


def load_data(data_path):
    out = []
    for split in ["train", "dev", "test"]:
        examples = []
        with open(os.path.join(data_path, split + ".txt"), "r", encoding="utf-8") as f:
            for line in f.readlines():
                items = line.strip().split("\t")
                seq = [int(i) for i in items[0].split(" ")]
                label = int(items[1])
                examples.append((seq, label))
        out.append(examples)
    return tuple(out)


class DigitSumDataset(torch.utils.data.Dataset):
    def __init__(self, data):
        self.data = data

    def __getitem__(self, idx):
        example = self.data[idx]
        return torch.tensor(example[0], dtype=torch.int64), torch.tensor(example[1], dtype=torch.int64)

    def __len__(self):
        return len(self.data)


# ---- 6.1.2: the model ----
class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super(Embedding, self).__init__()
        W_attr = torch.randn([num_embeddings, embedding_dim])
        W_attr = torch.nn.init.xavier_uniform_(torch.as_tensor(W_attr, dtype=torch.float32), gain=1.0)
        self.W = torch.nn.Parameter(W_attr)

    def forward(self, inputs):
        return self.W[inputs]


class SRN(nn.Module):
    def __init__(self, input_size, hidden_size, W_attr=None, U_attr=None, b_attr=None):
        super(SRN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        W_attr = torch.randn([input_size, hidden_size])
        W_attr = torch.nn.init.xavier_uniform_(torch.as_tensor(W_attr, dtype=torch.float32), gain=1.0)
        U_attr = torch.randn([hidden_size, hidden_size])
        U_attr = torch.nn.init.xavier_uniform_(torch.as_tensor(U_attr, dtype=torch.float32), gain=1.0)
        b_attr = torch.randn([1, hidden_size])
        b_attr = torch.nn.init.xavier_uniform_(torch.as_tensor(b_attr, dtype=torch.float32), gain=1.0)
        self.W = torch.nn.Parameter(W_attr)
        self.U = torch.nn.Parameter(U_attr)
        self.b = torch.nn.Parameter(b_attr)

    def init_state(self, batch_size):
        return torch.zeros([batch_size, self.hidden_size], dtype=torch.float32)

    def forward(self, inputs, hidden_state=None):
        batch_size, seq_len, input_size = inputs.shape
        if hidden_state is None:
            hidden_state = self.init_state(batch_size)
        for step in range(seq_len):
            step_input = inputs[:, step, :]
            hidden_state = torch.tanh(torch.matmul(step_input, self.W) + torch.matmul(hidden_state, self.U) + self.b)
        return hidden_state


class Model_RNN4SeqClass(nn.Module):
    def __init__(self, model, num_digits, input_size, hidden_size, num_classes):
        super(Model_RNN4SeqClass, self).__init__()
        self.rnn_model = model
        self.num_digits = num_digits
        self.input_size = input_size
        self.embedding = Embedding(num_digits, input_size)
        self.linear = nn.Linear(hidden_size, num_classes)

    def forward(self, inputs):
        inputs_emb = self.embedding(inputs)
        hidden_state = self.rnn_model(inputs_emb)
        return self.linear(hidden_state)


# ---- 6.1.3: Accuracy and RunnerV3 (the parts the run uses) ----
class Accuracy:
    def __init__(self):
        self.num_correct = 0
        self.num_count = 0

    def update(self, outputs, labels):
        preds = torch.argmax(outputs, dim=1)
        self.num_correct += torch.sum((preds == labels).float()).item()
        self.num_count += len(labels)

    def accumulate(self):
        return 0 if self.num_count == 0 else self.num_correct / self.num_count

    def reset(self):
        self.num_correct = 0
        self.num_count = 0


class RunnerV3:
    def __init__(self, model, optimizer, loss_fn, metric):
        self.model, self.optimizer, self.loss_fn, self.metric = model, optimizer, loss_fn, metric
        self.dev_scores, self.dev_steps, self.train_epoch_losses = [], [], []
        self.best_score = 0
        self.best_state = None

    def train(self, train_loader, dev_loader, num_epochs, eval_steps):
        self.model.train()
        num_training_steps = num_epochs * len(train_loader)
        global_step = 0
        for epoch in range(num_epochs):
            total_loss = 0
            for step, (X, y) in enumerate(train_loader):
                logits = self.model(X)
                loss = self.loss_fn(logits, y)
                total_loss += loss.item()
                loss.backward()
                self.optimizer.step()
                self.optimizer.zero_grad()
                if eval_steps > 0 and global_step > 0 and \
                        (global_step % eval_steps == 0 or global_step == (num_training_steps - 1)):
                    dev_score, dev_loss = self.evaluate(dev_loader)
                    self.dev_scores.append(dev_score)
                    self.dev_steps.append(global_step)
                    self.model.train()
                    if dev_score > self.best_score:
                        self.best_state = copy.deepcopy(self.model.state_dict())  # the tutorial's save_model
                        self.best_score = dev_score
                global_step += 1
            self.train_epoch_losses.append(total_loss / len(train_loader))

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        total_loss = 0
        self.metric.reset()
        for X, y in loader:
            logits = self.model(X)
            total_loss += self.loss_fn(logits, y).item()
            self.metric.update(logits, y)
        return self.metric.accumulate(), total_loss / len(loader)


def train(length, seed, data_root, epochs=500, lr=0.001, input_size=32, hidden_size=32, batch_size=8):
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    train_examples, dev_examples, test_examples = load_data(os.path.join(data_root, str(length)))
    train_loader = torch.utils.data.DataLoader(DigitSumDataset(train_examples), batch_size=batch_size)
    dev_loader = torch.utils.data.DataLoader(DigitSumDataset(dev_examples), batch_size=batch_size)
    test_loader = torch.utils.data.DataLoader(DigitSumDataset(test_examples), batch_size=batch_size)
    model = Model_RNN4SeqClass(SRN(input_size, hidden_size), 10, input_size, hidden_size, 19)
    optimizer = torch.optim.Adam(model.parameters(), lr)
    runner = RunnerV3(model, optimizer, nn.CrossEntropyLoss(), Accuracy())
    runner.train(train_loader, dev_loader, num_epochs=epochs, eval_steps=100)
    if runner.best_state is not None:
        model.load_state_dict(runner.best_state)
    test_score, test_loss = runner.evaluate(test_loader)
    steps_per_epoch = len(train_loader)
    rows = [(e + 1, "train_loss", l) for e, l in enumerate(runner.train_epoch_losses)]
    rows += [((s + 1) / steps_per_epoch, "dev_accuracy", a) for s, a in zip(runner.dev_steps, runner.dev_scores)]
    rows += [("final", "best_dev_accuracy", max(runner.dev_scores)), ("final", "test_accuracy", test_score),
             ("final", "test_loss", test_loss)]
    return rows


def start(seed, input_size=32, hidden_size=32):
    """The model train() begins from for this seed: the same seeding, then the same construction (train() reads its
    data between the two, which draws no random numbers)."""
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    return Model_RNN4SeqClass(SRN(input_size, hidden_size), 10, input_size, hidden_size, 19)


def main():
    a = common.args("0..4", __doc__, starts={"DigitSumSrn": start})
    if a.only and "DigitSumSrn" not in a.only:
        return  # --only names other scripts' experiments
    common.one_thread()
    table = common.Table(a.out, "DigitSumSrn")
    with tempfile.TemporaryDirectory() as root:
        make_datasets(root)
        for seed in a.seeds:
            for length in [5, 10, 15, 20, 25, 30, 35]:
                setting = "length=%d;seed=%d" % (length, seed)
                if table.has(setting):
                    continue
                clock = common.Clock()
                rows = train(length, seed, root)
                table.append(setting, rows, clock.seconds())


if __name__ == "__main__":
    main()
