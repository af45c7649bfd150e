"""The tutorial's DigitSum model (reference/pytorch/digitsum.py: Model_RNN4SeqClass with its SRN) trained for its
first steps: the fixture digitsum_steps.json of rnnlab.train.DigitSumStepsTest, which loads the same start into the
project's model and takes the same steps on the same batches.

Run with Debian's PyTorch (the fixture was written by 1.13), from the project's root:
    /usr/bin/python3 src/test/resources/torch/digitsum_steps.py > src/test/resources/torch/digitsum_steps.json

Length 25, batch 8, Adam 1e-3, the tutorial's data (length 25's train split, in file order), float32, one thread,
torch.manual_seed(0) for the start. STEPS steps cross the first epoch's end, whose last batch holds 4 examples.
Arrays are PyTorch's: embedding.W [10, 32], rnn_model.W [32, 32], rnn_model.U [32, 32], rnn_model.b [1, 32],
linear.weight [19, 32], linear.bias [19]. "loss" holds each step's mean cross-entropy before its update; "labels"
each step's labels, to show the batches are the tutorial's; "params" the parameters after the last step.
"""
import json
import os
import sys
import tempfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "reference",
                                "pytorch"))
import digitsum  # noqa: E402  (the tutorial's code as the reference runs it)

LENGTH, STEPS = 25, 80


def params(model):
    return {k: v.detach().tolist() for k, v in model.named_parameters()}


def main():
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as root:
        digitsum.make_datasets(root)
        train, _, _ = digitsum.load_data(os.path.join(root, str(LENGTH)))
    torch.manual_seed(0)
    model = digitsum.Model_RNN4SeqClass(digitsum.SRN(32, 32), 10, 32, 32, 19)
    start = params(model)
    optimizer = torch.optim.Adam(model.parameters(), 0.001)
    loss_fn = nn.CrossEntropyLoss()
    loader = torch.utils.data.DataLoader(digitsum.DigitSumDataset(train), batch_size=8)
    losses, labels = [], []
    while len(losses) < STEPS:
        for x, y in loader:
            if len(losses) == STEPS:
                break
            loss = loss_fn(model(x), y)
            losses.append(loss.item())
            labels.append(y.tolist())
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    print(json.dumps({"length": LENGTH, "start": start, "loss": losses, "labels": labels, "params": params(model)}))


if __name__ == "__main__":
    main()
