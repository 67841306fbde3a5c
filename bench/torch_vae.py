#!/usr/bin/env python3
"""PyTorch's time per epoch for the binarised-digits VAE, for bench/vae.mjs.

Usage: torch_vae.py DIGITS.csv.gz K
The same model as the latent side: encoder 64-256-256-(2x8) and decoder
8-256-256-64 (ReLU; PyTorch's default init, which the time does not depend
on), q(z | x) = N(mu, softplus(raw)^2), prior N(0, I), Bernoulli
likelihood on logits; the ELBO for K = 1, the IWAE-K bound otherwise;
pathwise gradients; Adam(1e-3); batches of 128 from a fresh permutation of
the first 1437 rows (pixels >= 8 of 16 -> 1) each epoch; one thread.

A server: reads lines "EPOCHS" on stdin, trains that many epochs and answers
one JSON line {"ms": [ms of each epoch], "loss": last loss}; the first
request should be a warm-up. Needs Debian's python3-torch (/usr/bin/python3).
"""
import gzip
import json
import math
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:  # already set
    pass

N_TRAIN = 1437
BATCH = 128
LATENT = 8


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def main():
    path, k = sys.argv[1], int(sys.argv[2])
    torch.manual_seed(0)
    rows = np.loadtxt(gzip.open(path), delimiter=",")
    x_all = torch.tensor((rows[:N_TRAIN, :64] >= 8).astype(np.float32))
    encoder = mlp([64, 256, 256, 2 * LATENT])
    decoder = mlp([LATENT, 256, 256, 64])
    optimizer = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=1e-3)
    prior = torch.distributions.Normal(0.0, 1.0)

    def loss_of(x):
        loc, raw = encoder(x).chunk(2, 1)
        q = torch.distributions.Normal(loc, torch.nn.functional.softplus(raw))
        z = q.rsample((k,))  # [k, B, 8]
        logits = decoder(z)
        log_lik = -torch.nn.functional.binary_cross_entropy_with_logits(logits, x.expand(k, *x.shape), reduction="none").sum(-1)
        log_w = log_lik + prior.log_prob(z).sum(-1) - q.log_prob(z).sum(-1)
        bound = log_w[0] if k == 1 else torch.logsumexp(log_w, 0) - math.log(k)
        return -bound.mean()

    def epoch():
        order = torch.randperm(N_TRAIN)
        loss = None
        for start in range(0, N_TRAIN, BATCH):
            optimizer.zero_grad()
            loss = loss_of(x_all[order[start:start + BATCH]])
            loss.backward()
            optimizer.step()
        return loss.item()

    for line in sys.stdin:
        epochs = int(line)
        times, loss = [], float("nan")
        for _ in range(epochs):
            start = time.perf_counter()
            loss = epoch()
            times.append((time.perf_counter() - start) * 1000)
        print(json.dumps({"ms": times, "loss": loss}), flush=True)


if __name__ == "__main__":
    main()
