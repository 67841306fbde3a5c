"""What the PyTorch sides of the benches share: wall times of repeated calls, on one thread."""
import time

import torch


def one_thread():
    """Runs torch on one thread, as latent's wasm backend does in Node."""
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set
        pass


def timed(fn, runs):
    """The wall time in ms of each of `runs` calls of fn."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times
