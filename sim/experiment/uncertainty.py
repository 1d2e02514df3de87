"""Uncertain parameters: which value each replicate gets.

A scenario's ``uncertainties`` map parameter paths (``actors.CHN.assertiveness``,
``model.temperature``, ``dyads.RUS-JPN.relation`` ...) to distributions (schema.py:
uniform, normal, optionally truncated, triangular, choice). Every replicate of an
ensemble draws its own value of each, once, before step 0; the model takes the result of
:func:`sample_parameters` as its ``parameters``.

How the values are drawn. For R replicates, each parameter gets R uniform numbers in
[0, 1), by plain Monte Carlo or by Latin hypercube (``run.sampling``), from a random
stream of its own (:func:`parameter_stream`: the run's SeedSequence extended by a key
made from the parameter's path), and they go through its distribution's inverse CDF
(:func:`inverse_cdf`). Because every parameter has its own stream, a what-if that fixes
one uncertain value, or adds or removes one, leaves every other parameter's draws as they
were, replicate by replicate: a comparison with the base stays on common random numbers
(docs/performance.md). Both methods share the transform, so they differ only in how the
uniforms cover the unit cube:

- ``monte_carlo``: independent uniforms, ``default_rng(parameter_stream(seed, path)).random(R)``.
- ``latin_hypercube``: each dimension is cut into R strata of equal probability and every
  stratum holds exactly one replicate, at a uniform position inside it; the strata are
  matched across dimensions by independent random permutations. Means over the ensemble
  converge faster than with Monte Carlo when outcomes depend smoothly on the parameters.

A parameter's draws depend only on its path, its distribution and the SeedSequence (not
on the other uncertainties or the order they were written in): the same seed gives the
same arrays. A Latin hypercube is stratified within one call: an ensemble run in chunks
is one hypercube per chunk (each chunk passes its own seed).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from scipy import stats

from sim.scenario.schema import Choice, Normal, Scenario, Triangular, Uniform

Dist = Uniform | Normal | Triangular | Choice
METHODS = ("monte_carlo", "latin_hypercube")

# Uniforms are kept off 0 and 1 where an inverse CDF is infinite there (an untruncated
# normal): the smallest and largest doubles strictly inside (0, 1).
_U_LOW = np.nextafter(0.0, 1.0)
_U_HIGH = np.nextafter(1.0, 0.0)


def uniform_draws(
    method: str, replicates: int, dimensions: int, seed: np.random.SeedSequence
) -> np.ndarray:
    """An (replicates, dimensions) array of uniform numbers in [0, 1).

    ``monte_carlo``: independent draws. ``latin_hypercube``: in every column, the values
    times ``replicates`` fall one in each of the intervals [k, k+1), k = 0..replicates-1
    (``(permutation + uniform) / replicates``, one permutation per column).
    """
    if method not in METHODS:
        raise ValueError(f"sampling '{method}': expected one of {', '.join(METHODS)}")
    if replicates < 0 or dimensions < 0:
        raise ValueError(
            f"need replicates >= 0 and dimensions >= 0, got {replicates}, {dimensions}"
        )
    rng = np.random.default_rng(seed)
    if method == "monte_carlo":
        return rng.random((replicates, dimensions))
    strata = rng.permuted(np.tile(np.arange(replicates), (dimensions, 1)), axis=1).T
    return (strata + rng.random((replicates, dimensions))) / replicates


def inverse_cdf(dist: Dist, u: np.ndarray) -> np.ndarray:
    """The values of ``dist`` at the probabilities ``u`` (its quantile function), float64.

    uniform: ``low + u (high - low)``; triangular: ``scipy.stats.triang``; normal:
    ``scipy.stats.truncnorm`` between low and high when given (else the normal); choice:
    the value whose cumulative weight first exceeds ``u`` (weights equal by default).
    Results are kept inside the distribution's support despite rounding.
    """
    u = np.asarray(u, dtype=float)
    if isinstance(dist, Uniform):
        return np.clip(dist.low + u * (dist.high - dist.low), dist.low, dist.high)
    if isinstance(dist, Triangular):
        width = dist.high - dist.low
        c = (dist.mode - dist.low) / width
        x = stats.triang.ppf(u, c, loc=dist.low, scale=width)
        return np.clip(x, dist.low, dist.high)
    if isinstance(dist, Normal):
        low = -np.inf if dist.low is None else dist.low
        high = np.inf if dist.high is None else dist.high
        a, b = (low - dist.mean) / dist.sd, (high - dist.mean) / dist.sd
        q = np.clip(u, _U_LOW, _U_HIGH)
        x = stats.truncnorm.ppf(q, a, b, loc=dist.mean, scale=dist.sd)
        return np.clip(x, low, high)
    if isinstance(dist, Choice):
        values = np.asarray(dist.values, dtype=float)
        weights = np.ones(len(values)) if dist.weights is None else np.asarray(dist.weights)
        cumulative = np.cumsum(weights / weights.sum())
        cumulative[-1] = 1.0
        index = np.searchsorted(cumulative, u, side="right")
        return values[np.minimum(index, len(values) - 1)]
    raise TypeError(f"not a distribution: {dist!r}")  # pragma: no cover - the union is closed


def parameter_stream(seed: np.random.SeedSequence, path: str) -> np.random.SeedSequence:
    """The random stream of the uncertain parameter at ``path``: ``seed`` with four more
    words in its spawn key, the first 16 bytes of the SHA-256 of the path (the same in
    every process, unlike Python's ``hash``)."""
    digest = hashlib.sha256(path.encode("utf-8")).digest()
    words = tuple(int.from_bytes(digest[k : k + 4], "little") for k in range(0, 16, 4))
    return np.random.SeedSequence(entropy=seed.entropy, spawn_key=(*seed.spawn_key, *words))


def sample_parameters(
    scenario: Scenario, replicates: int, seed: np.random.SeedSequence
) -> dict[str, np.ndarray]:
    """One value per replicate of every uncertain parameter of ``scenario``.

    Returns ``{path: array of shape (replicates,)}`` (float64) for the paths of
    ``scenario.uncertainties`` in sorted order, each from its own stream
    (:func:`parameter_stream`), drawn by ``scenario.run.sampling`` (module docstring);
    empty when nothing is uncertain. Deterministic for a given seed.
    """
    method, r = scenario.run.sampling, int(replicates)
    drawn = {}
    for path in sorted(scenario.uncertainties):
        u = uniform_draws(method, r, 1, parameter_stream(seed, path))[:, 0]
        drawn[path] = inverse_cdf(scenario.uncertainties[path], u).astype(np.float64)
    return drawn


def describe_sampling(scenario: Scenario, seed: np.random.SeedSequence) -> dict[str, Any]:
    """How the uncertain parameters were sampled, for the run manifest (JSON-ready).

    ``method`` (``run.sampling``); ``entropy`` and ``spawn_key`` of the SeedSequence
    passed to :func:`sample_parameters` (``np.random.SeedSequence(entropy,
    spawn_key=spawn_key)`` rebuilds it); ``parameters``: the dimensions in sampling order,
    each ``{"path": ..., "distribution": {...}}`` as the scenario states it.
    """
    entropy = seed.entropy
    if isinstance(entropy, int | np.integer):
        entropy = int(entropy)
    elif entropy is not None:
        entropy = [int(x) for x in np.atleast_1d(entropy)]
    return {
        "method": scenario.run.sampling,
        "entropy": entropy,
        "spawn_key": [int(k) for k in seed.spawn_key],
        "streams": "one per parameter: the spawn key followed by the first four 32-bit "
        "little-endian words of the SHA-256 of the parameter's path",
        "parameters": [
            {"path": path, "distribution": scenario.uncertainties[path].model_dump()}
            for path in sorted(scenario.uncertainties)
        ],
    }
