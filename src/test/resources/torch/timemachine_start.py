"""The Time Machine tutorial's model from scratch (reference/pytorch/timemachine.py) at a small size: seed 0's start
as `reference/run --starts` writes it (timemachine.start: the five tensors and the batches' offsets) and the tutorial's
perplexity of each epoch of both its runs from it: the fixture timemachine_start.json of
rnnlab.experiments.TutorialStartTest, which trains TimeMachineRnnScratch from that start (start=tutorial) and asserts
the same perplexities.

Run with Debian's PyTorch (the fixture was written by 1.13), from the project's root:
    /usr/bin/python3 src/test/resources/torch/timemachine_start.py > src/test/resources/torch/timemachine_start.json
"""
import json
import os
import random
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "reference",
                                "pytorch"))
import timemachine  # noqa: E402

SEED, HIDDEN, EPOCHS = 0, 16, 3
BATCH, STEPS, LR = timemachine.BATCH_SIZE, timemachine.NUM_STEPS, timemachine.LR
torch.set_num_threads(1)
start = timemachine.start(SEED, num_hiddens=HIDDEN, num_epochs=EPOCHS, num_steps=STEPS)
out = {"seed": SEED, "hidden": HIDDEN, "epochs": EPOCHS,
       "start": {k: v.detach().tolist() if hasattr(v, "detach") else v for k, v in start.items()}}
corpus, vocab = timemachine.load_corpus_time_machine()
for sampling, use_random_iter in [("sequential", False), ("random", True)]:
    random.seed(SEED)  # as main() seeds each run
    torch.manual_seed(SEED)
    net = timemachine.RNNModelScratch(len(vocab), HIDDEN, torch.device("cpu"), timemachine.get_params,
                                      timemachine.init_rnn_state, timemachine.rnn)
    out[sampling] = timemachine.train_ch8(net, timemachine.SeqDataLoader(corpus, BATCH, STEPS), LR, EPOCHS,
                                          torch.device("cpu"), use_random_iter)
print(json.dumps(out))
