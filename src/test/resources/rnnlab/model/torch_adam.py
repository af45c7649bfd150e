# Makes torch_adam.txt, the fixture of rnnlab.model.TorchAdamTest: three steps of torch.optim.Adam
# (PyTorch 1.13, amsgrad=False, no weight decay) on a parameter vector of 8, from given gradients, in
# float32 and in float64 (first the start and the gradients as decimals, which both sides round to the
# type). Run with Debian's python: /usr/bin/python3 torch_adam.py > torch_adam.txt
import torch

LR, BETAS, EPS = 0.01, (0.9, 0.999), 1e-8
START = [0.5, -0.25, 1.0, 0.0, -2.0, 0.125, 3.0, -0.75]
# magnitudes from 1e-9 (where eps rules the step) to 300, signs changing between steps, a zero
GRADS = [
    [0.1, -2.0, 1e-6, 0.0, 300.0, -1e-9, 0.5, 3e-4],
    [-0.3, -1.5, 2e-6, 1e-3, 250.0, 1e-9, -0.5, 3e-4],
    [0.05, 0.7, -1e-6, -2e-3, -10.0, 2e-9, 0.25, -1e-5],
]

print('start', ' '.join(repr(x) for x in START))
for t, g in enumerate(GRADS, 1):
    print('grad', t, ' '.join(repr(x) for x in g))
for dtype in (torch.float32, torch.float64):
    p = torch.nn.Parameter(torch.tensor(START, dtype=dtype))
    opt = torch.optim.Adam([p], lr=LR, betas=BETAS, eps=EPS, foreach=False)
    name = str(dtype).split('.')[1]
    for t, g in enumerate(GRADS, 1):
        p.grad = torch.tensor(g, dtype=dtype)
        opt.step()
        st = opt.state[p]
        for key, value in (('param', p.detach()), ('m', st['exp_avg']), ('v', st['exp_avg_sq'])):
            print(name, t, key, ' '.join(repr(float(x)) for x in value.tolist()))
