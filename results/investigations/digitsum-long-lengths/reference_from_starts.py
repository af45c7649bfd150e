"""The tutorial's DigitSum code (reference/pytorch/digitsum.py), unchanged but for its start: each seed's model begins
from the parameters in STARTS/seed-N.json (DigitSumSrn's own starts, written by rnnlab.train.DigitSumOwnStarts) in
place of what torch.manual_seed(N) draws. Appends each seed's final figures to OUT and skips the seeds OUT holds.

    /usr/bin/python3 results/investigations/digitsum-long-lengths/reference_from_starts.py 25 0..29 STARTS OUT.csv
"""
import json
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "reference", "pytorch"))
import digitsum  # noqa: E402

START = {}


def load_start(model):
    """Sets the model's parameters to START's, in place (the optimiser made from them holds the same tensors)."""
    model.load_state_dict({k: torch.tensor(v, dtype=torch.float32) for k, v in START.items()})


RUNNER_INIT = digitsum.RunnerV3.__init__


def runner_init(self, model, *args):
    load_start(model)
    RUNNER_INIT(self, model, *args)


def first_loss(root, length):
    """The loss of the first batch from the current START, to check it against the project's own first step."""
    train, _, _ = digitsum.load_data(os.path.join(root, str(length)))
    x, y = next(iter(torch.utils.data.DataLoader(digitsum.DigitSumDataset(train), batch_size=8)))
    model = digitsum.Model_RNN4SeqClass(digitsum.SRN(32, 32), 10, 32, 32, 19)
    load_start(model)
    return torch.nn.CrossEntropyLoss()(model(x), y).item()


def main():
    length = int(sys.argv[1])
    first, last = (int(s) for s in sys.argv[2].split(".."))
    starts, out = sys.argv[3], sys.argv[4]
    torch.set_num_threads(1)
    digitsum.RunnerV3.__init__ = runner_init  # train() hands its new model and optimiser to RunnerV3
    if not os.path.exists(out):
        with open(out, "w") as f:
            f.write("length,seed,best_dev_accuracy,test_accuracy,test_loss,first_loss\n")
    done = open(out).read()
    with tempfile.TemporaryDirectory() as root:
        digitsum.make_datasets(root)
        for seed in range(first, last + 1):
            if "\n%d,%d," % (length, seed) in done:
                continue
            with open(os.path.join(starts, "seed-%d.json" % seed)) as f:
                START.clear()
                START.update(json.load(f))
            loss0 = first_loss(root, length)
            rows = {m: v for e, m, v in digitsum.train(length, seed, root) if e == "final"}
            with open(out, "a") as f:
                f.write("%d,%d,%s,%s,%s,%s\n" % (length, seed, rows["best_dev_accuracy"], rows["test_accuracy"],
                                                 rows["test_loss"], loss0))


if __name__ == "__main__":
    main()
