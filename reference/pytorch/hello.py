"""'hello' -> 'ohlol' (rnncell-rnn-hello-ohlol.txt): the RNNCell loop and the whole-sequence nn.RNN, as the
tutorial's code trains them, over seeds.

Writes results/reference/HelloOhlolRnnCell.csv and HelloOhlolRnn.csv: per seed the loss of every epoch, the
final loss and the first epoch whose prediction is 'ohlol' (none when it never is). Changes from the tutorial:
see reference/README.md.
"""
import torch

import common

input_size = 4
hidden_size = 4
batch_size = 1
idx2char = ['e', 'h', 'l', 'o']
x_data = [1, 0, 2, 2, 3]  # hello
y_data = [3, 1, 2, 3, 2]  # ohlol
one_hot_lookup = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
x_one_hot = [one_hot_lookup[x] for x in x_data]
inputs = torch.Tensor(x_one_hot).view(-1, batch_size, input_size)


class CellModel(torch.nn.Module):
    def __init__(self, input_size, hidden_size, batch_size):
        super(CellModel, self).__init__()
        self.batch_size = batch_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.rnncell = torch.nn.RNNCell(input_size=self.input_size, hidden_size=self.hidden_size)

    def forward(self, input, hidden):
        return self.rnncell(input, hidden)

    def init_hidden(self):
        return torch.zeros(self.batch_size, self.hidden_size)


class LayerModel(torch.nn.Module):
    def __init__(self, input_size, hidden_size, batch_size, num_layers=1):
        super(LayerModel, self).__init__()
        self.num_layers = num_layers
        self.batch_size = batch_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.rnn = torch.nn.RNN(input_size=self.input_size, hidden_size=self.hidden_size, num_layers=num_layers)

    def forward(self, input):
        hidden = torch.zeros(self.num_layers, self.batch_size, self.hidden_size)
        out, _ = self.rnn(input, hidden)
        return out.view(-1, hidden_size)


def train_cell():
    labels = torch.LongTensor(y_data).view(-1, 1)
    net = CellModel(input_size, hidden_size, batch_size)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1)
    out = []
    for epoch in range(20):
        loss = 0
        optimizer.zero_grad()
        hidden = net.init_hidden()
        predicted = ""
        for input, label in zip(inputs, labels):
            hidden = net(input, hidden)
            loss += criterion(hidden, label)
            _, idx = hidden.max(dim=1)
            predicted += idx2char[idx.item()]
        loss.backward()
        optimizer.step()
        out.append((predicted, loss.item()))
    return out


def train_layer():
    labels = torch.LongTensor(y_data)
    net = LayerModel(input_size, hidden_size, batch_size, num_layers=1)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1)
    out = []
    for epoch in range(20):
        optimizer.zero_grad()
        output = net(inputs)
        loss = criterion(output, labels)
        loss.backward()
        optimizer.step()
        _, idx = output.max(dim=1)
        out.append(("".join([idx2char[x] for x in idx.data.numpy()]), loss.item()))
    return out


def main():
    a = common.args("0..9", __doc__)
    common.one_thread()
    for name, fn in [("HelloOhlolRnnCell", train_cell), ("HelloOhlolRnn", train_layer)]:
        if a.only and name not in a.only:
            continue
        table = common.Table(a.out, name)
        for seed in a.seeds:
            setting = "seed=%d" % seed
            if table.has(setting):
                continue
            clock = common.Clock()
            torch.manual_seed(seed)
            epochs = fn()
            rows = [(e + 1, "loss", l) for e, (_, l) in enumerate(epochs)]
            rows.append(("final", "final_loss", epochs[-1][1]))
            first = [e + 1 for e, (p, _) in enumerate(epochs) if p == "ohlol"]
            if first:
                rows.append(("final", "first_ohlol_epoch", first[0]))
            table.append(setting, rows, clock.seconds())


if __name__ == "__main__":
    main()
