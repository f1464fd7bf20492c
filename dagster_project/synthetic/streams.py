"""Independent, reproducible random streams.

Every (seed, trust, purpose, extra...) tuple gets its own numpy Generator, so one extract's or
one month's draws never depend on how much randomness another consumed: output is byte-identical
for the same arguments, and a chunk can be generated on its own (streaming at national scale).
Names are hashed with CRC-32, never Python's salted `hash()`.
"""

from __future__ import annotations

import zlib

import numpy as np

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def stream(seed: int, trust: int, purpose: str, *extra: int) -> np.random.Generator:
    key = [int(seed) & 0xFFFFFFFF, int(trust), zlib.crc32(purpose.encode()), *map(int, extra)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(key)))


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a bijection on uint64, so distinct inputs give distinct keys."""
    z = np.asarray(x, dtype=np.uint64).copy()
    with np.errstate(over="ignore"):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z


def pseudonyms(seed: int, trust: int, ids: np.ndarray, namespace: int = 0) -> list[str]:
    """Hash-like 16-hex-digit keys, unique for distinct (trust, namespace, id) under one seed.

    The input word packs trust (bits 40+), namespace (bit 39) and id (bits 0-38); adding a
    seed-derived constant and applying splitmix64 are both bijections, so keys never collide.
    """
    ids = np.asarray(ids, dtype=np.uint64)
    word = (np.uint64(trust) << np.uint64(40)) | (np.uint64(namespace) << np.uint64(39)) | ids
    offset = np.uint64(zlib.crc32(f"person-key-{seed}".encode()) * 0x100000001)
    with np.errstate(over="ignore"):
        mixed = splitmix64(word + offset)
    hexed = mixed.astype(">u8").tobytes().hex()
    return [hexed[i:i + 16] for i in range(0, len(hexed), 16)]


def categorical(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray | int
                ) -> np.ndarray:
    """Draw one category index per row by inverse CDF. `probs` is (k,) with `rows` a count, or
    (n_profiles, k) with `rows` an array choosing each draw's profile."""
    probs = np.asarray(probs, dtype=float)
    if probs.ndim == 1:
        cdf = np.cumsum(probs / probs.sum())
        u = rng.random(int(rows))
        return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
    cdf = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(rows))
    out = (cdf[rows] <= u[:, None]).sum(axis=1)
    return np.minimum(out, probs.shape[1] - 1)
