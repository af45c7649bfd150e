"""The tutorial's DigitSum model's start for each seed, as reference/pytorch/digitsum.py's train() draws it
(torch.manual_seed(seed), then Model_RNN4SeqClass(SRN(32, 32), 10, 32, 32, 19)): one JSON file a seed, the
parameters named and shaped as PyTorch holds them (the same start at every length: no parameter depends on it).

    /usr/bin/python3 results/investigations/digitsum-long-lengths/torch_starts.py 0..29 DIR
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "reference", "pytorch"))
import digitsum  # noqa: E402


def main():
    first, last = (int(s) for s in sys.argv[1].split(".."))
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for seed in range(first, last + 1):
        torch.manual_seed(seed)
        model = digitsum.Model_RNN4SeqClass(digitsum.SRN(32, 32), 10, 32, 32, 19)
        with open(os.path.join(out, "seed-%d.json" % seed), "w") as f:
            json.dump({k: v.detach().tolist() for k, v in model.named_parameters()}, f)


if __name__ == "__main__":
    main()
