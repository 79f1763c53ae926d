"""PyTorch CPU baseline for benches/train: the same two GANs, initialisation, optimizer, batch
and iteration as examples/mlp_gan_mnist.gan and examples/dcgan_mnist.gan run by ganc.

One iteration: G(z) once; D step on D(x) and D(G(z).detach()) with BCE-with-logits against
1 and 0; G step on D(G(z)) from the same G forward with the non-saturating loss; Adam(2e-4,
betas (0.5, 0.999)) for each player. Weights N(0, 0.02), biases 0, batch-norm scale
N(1, 0.02) and shift 0.

Usage: train_bench.py --model mlp|dcgan [--rounds N] [--per-round K]
Prints it/s and peak RSS, and a `RESULT` line that benches/run.sh reads. Run one model per
process so the peak memory belongs to that model.
"""

import argparse
import gzip
import os
import statistics
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
Z = 100
BATCH = 64
WARMUP = 3


def find_images():
    """MNIST from GANC_DATA_DIR or ../shared/datasets, else the bundled Fashion-MNIST 1k."""
    data_dir = Path(os.environ.get("GANC_DATA_DIR") or ROOT / ".." / "shared" / "datasets")
    for candidate in ("mnist/train-images-idx3-ubyte.gz", "mnist/train-images-idx3-ubyte"):
        if (data_dir / candidate).is_file():
            return data_dir / candidate, False
    return ROOT / "tests/fixtures/fashion-mnist-train1k-images-idx3-ubyte.gz", True


def load_images(path):
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic, n, rows, cols = (int.from_bytes(raw[i : i + 4], "big") for i in range(0, 16, 4))
    if magic != 0x0803 or rows != 28 or cols != 28:
        raise SystemExit(f"{path}: not a 3-D IDX file of 28x28 images")
    pixels = torch.frombuffer(bytearray(raw[16 : 16 + n * 784]), dtype=torch.uint8)
    return (pixels.float() / 127.5 - 1.0).reshape(n, 1, 28, 28)


def mlp():
    g = nn.Sequential(
        nn.Linear(Z, 256), nn.ReLU(),
        nn.Linear(256, 512), nn.ReLU(),
        nn.Linear(512, 1024), nn.ReLU(),
        nn.Linear(1024, 784), nn.Tanh(),
        nn.Unflatten(1, (1, 28, 28)),
    )
    d = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 1),
    )
    return g, d


def dcgan():
    g = nn.Sequential(
        nn.Linear(Z, 128 * 7 * 7, bias=False), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(),
    )
    d = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1),
    )
    return g, d


def init_weights(m):
    if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["mlp", "dcgan"], required=True)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--per-round", type=int, default=None)
    args = ap.parse_args()
    per_round = args.per_round or (20 if args.model == "mlp" else 3)

    threads = int(os.environ.get("RAYON_NUM_THREADS", "2"))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    path, fallback = find_images()
    images = load_images(path)
    g, d = mlp() if args.model == "mlp" else dcgan()
    g.apply(init_weights)
    d.apply(init_weights)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    n = images.shape[0]
    order, cursor = torch.randperm(n), 0

    def iteration():
        nonlocal order, cursor
        if cursor + BATCH > n:
            order, cursor = torch.randperm(n), 0
        x = images[order[cursor : cursor + BATCH]]
        cursor += BATCH
        z = torch.randn(BATCH, Z)
        fake = g(z)
        real_out, fake_out = d(x), d(fake.detach())
        d_loss = bce(real_out, torch.ones_like(real_out)) + bce(fake_out, torch.zeros_like(fake_out))
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        # PyTorch also moves D's running statistics here (ganc does not); that costs a
        # 128-channel average, nothing measurable, and does not change the training.
        out = d(fake)
        g_loss = bce(out, torch.ones_like(out))
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        return d_loss.item(), g_loss.item(), torch.sigmoid(real_out).mean().item()

    for _ in range(WARMUP):
        iteration()
    samples = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        for _ in range(per_round):
            iteration()
        samples.append(per_round / (time.perf_counter() - t))
    with open("/proc/self/status") as f:
        peak = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024.0
    name = "mlp_gan_mnist" if args.model == "mlp" else "dcgan_mnist"
    its = statistics.median(samples)
    print(f"pytorch {torch.__version__}, {threads} threads; data: "
          + (f"MNIST NOT FOUND, bundled Fashion-MNIST 1k ({path})" if fallback else f"MNIST ({path})"))
    print(f"{name} pytorch alone ({args.rounds} rounds x {per_round} iterations)")
    print(f"  {its:7.2f} it/s ({1e3 / its:6.1f} ms/it; rounds {min(samples):.2f}..{max(samples):.2f}); "
          f"peak RSS (VmHWM) {peak:.0f} MiB")
    print(f"RESULT model={name} side=pytorch mode=alone its={its:.4f} peak_mib={peak:.1f}")


if __name__ == "__main__":
    main()
