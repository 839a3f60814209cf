"""Racing (issue 4, speed and scale): skip expensive models in a large selection group where a sample says they lose.

Per-series statsmodels fits (ETS, ARIMA, Theta) are ~90% of a run's CPU (benchmarks/forecast_scale.py),
yet selection (forecasting/select.py) picks one model per group of sibling series, and in many groups
that pick is a cheap model. So, as in a racing algorithm (Maron & Moore 1994, "Hoeffding races"), the
expensive models are first backtested on a seeded sample of each large group; they are kept for the
rest of the group unless, on the sample, every one of them (and the ensemble that contains one) scores
a mean MASE worse than the cheap model selection would pick without them, by more than `z` standard
errors of the paired per-series difference. For the preferred model (the ensemble), which selection
takes whenever it beats the baseline, the comparison is with the baseline as well.

The sample's series keep every model; the rest of the group gets no rows for the skipped models, and
forecasts.quality records them per series (skip_reason) so the published outputs say what was not fitted.
The rule's settings and what it measured (10,000 synthetic series 827-867 s -> 186-311 s, picks unchanged;
nothing changes on the Indeed panels, whose groups are small) are in forecasting/registry.py (RACE).
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Fewer fully scored sample series than this cannot show a clear loss: the group keeps every model.
MIN_SCORED = 10


@dataclass(frozen=True)
class RaceRule:
    """How to race: `sample` series per group of at least `min_group`, skip on a loss by more than `z` s.e."""

    sample: int = 100
    min_group: int = 400
    z: float = 2.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.sample < MIN_SCORED or self.min_group <= self.sample:
            raise ValueError(f"RaceRule needs sample >= {MIN_SCORED} and min_group > sample, got {self}")
        if not self.z >= 0:
            raise ValueError(f"RaceRule z must be >= 0, got {self.z!r}")


def raced_models(names: Sequence[str], expensive: Collection[str], ensemble: str,
                 members: Collection[str]) -> list[str]:
    """Return the models of `names` a race may skip: the expensive ones, and the ensemble if one of its members is."""
    out = [n for n in names if n in expensive]
    if out and ensemble in names and any(m in out for m in members):
        out.append(ensemble)
    return out


def race_samples(groups: Mapping[str, str], rule: RaceRule) -> dict[str, list[str]]:
    """Return per group of at least rule.min_group series a seeded sample of rule.sample of its unique_ids (sorted).

    The seed combines rule.seed with the group's name, so a group draws the same sample whatever else is
    in the panel."""
    members: dict[str, list[str]] = {}
    for uid, g in groups.items():
        members.setdefault(g, []).append(uid)
    out = {}
    for g, uids in sorted(members.items()):
        if len(uids) >= rule.min_group:
            rng = np.random.default_rng([rule.seed, zlib.crc32(g.encode())])
            pool = sorted(uids)
            out[g] = sorted(pool[i] for i in rng.choice(len(pool), size=rule.sample, replace=False))
    return out


def _cheap_choice(mean: pd.Series, cheap: list[str], baseline: str) -> str:
    """Return the cheap model selection would pick on these means: the lowest, the baseline unless strictly beaten."""
    best = min(cheap, key=lambda n: (mean[n], n))
    return best if mean[best] < mean[baseline] and not np.isclose(mean[best], mean[baseline], rtol=1e-9, atol=0) \
        else baseline


def race_verdict(quality: pd.DataFrame, baseline: str, raced: Collection[str], rule: RaceRule,
                 preferred: str | None = None) -> tuple[bool, str]:
    """Return (skip, reason) for one group from its sample's quality rows (unique_id, model, mase).

    skip is True if every raced model's mean MASE is worse than the cheap choice's (and the preferred
    model's worse than the baseline's) by more than rule.z standard errors of the paired difference."""
    wide = quality.pivot_table(index="unique_id", columns="model", values="mase", aggfunc="first")
    wide = wide[np.isfinite(wide).all(axis=1)]
    present = [m for m in raced if m in wide.columns]
    cheap = [m for m in wide.columns if m not in raced]
    if len(wide) < MIN_SCORED or baseline not in cheap or not present:
        return False, f"{len(wide)} fully scored sample series: too few to race"
    mean = wide.mean()
    choice = _cheap_choice(mean, cheap, baseline)
    pairs = [(m, choice) for m in present]
    if preferred in present and choice != baseline:
        pairs.append((preferred, baseline))
    parts, lost = [], True
    for model, ref in pairs:
        d = (wide[model] - wide[ref]).to_numpy()
        se = float(d.std(ddof=1) / np.sqrt(d.size))
        loses = float(d.mean()) > rule.z * se and float(d.mean()) > 0
        lost = lost and loses
        parts.append(f"{model} {mean[model]:.2f} vs {ref} {mean[ref]:.2f}"
                     f" ({'worse' if loses else 'not worse'} by > {rule.z:g} s.e.)")
    return lost, f"mean MASE on {len(wide)} sample series: " + "; ".join(parts)
