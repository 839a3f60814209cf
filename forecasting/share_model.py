"""A "constant share" baseline in the style of BLS (issue 4): a series' share of its total is held, the total moves.

BLS projects an occupation's employment as its share of industry employment times projected industry
employment, the share held at the base year unless analysts change it. Here the total of a series is
its nearest '/'-ancestor present in the panel (e.g. 'employment/US/oews' for
'employment/US/oews/15-2051'), the share is the latest y / total at a date both are observed, and the
total is projected by drift (forecasting.models.Drift, FPP3 5.2). The forecast is share x total.

Which series get rows:
- a series with an ancestor in the panel: share x the ancestor's drift projection;
- a series that is an ancestor of another (a total): its own drift projection, i.e. share 1 of itself
  (so a total and its parts are scored alike: select.py compares a group's models on the series every
  model scored, and would hand a total a model it has no forecast from);
- any other series (no ancestor, no descendant): no rows. The pipeline's OEWS occupation series need
  an 'employment/US/oews' total (All Occupations, SOC 00-0000) in the panel to get rows.

Intervals: normal, from the drift interval of the total and a random walk on the share (naive on the
share series), combined by the delta method: sd^2 = (total x sd_share)^2 + (share x sd_total)^2. BLS
publishes no intervals; conformal ones from the backtest replace these where they cover better
(forecasting/intervals.py).

It needs the other series, so it follows the GlobalModel protocol of forecasting/global_model.py
(fit(panel, freq) -> self, predict(h, levels, panel) -> long frame) and is backtested per cutoff by
forecasting/global_backtest.py like the global boosting model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from forecasting.models import Drift, Naive, interval_columns, normal_intervals
from forecasting.panel import future_dates, iter_series

_Z80 = norm.ppf(0.9)


def ancestor(uid: str, ids: set[str]) -> str | None:
    """Return the nearest proper '/'-prefix of uid that is in ids, or None."""
    parts = uid.split("/")
    for k in range(len(parts) - 1, 0, -1):
        candidate = "/".join(parts[:k])
        if candidate in ids:
            return candidate
    return None


def _sd(model: Drift | Naive, h: int) -> np.ndarray:
    """Return the per-step forecast sd implied by a baseline's 80% interval (normal by construction)."""
    fc = model.predict(h, levels=(80,))
    return (fc["hi_80"] - fc["y_hat"]).to_numpy(dtype=float) / _Z80


class ConstantShare(BaseEstimator):
    """Share of the nearest '/'-ancestor held at its last value x the ancestor's drift projection."""

    def __init__(self, max_horizon: int = 5):
        self.max_horizon = max_horizon

    def fit(self, panel: pd.DataFrame, freq: str) -> ConstantShare:
        """Keep the panel: the share and the totals' projections are read from it at predict time."""
        history = panel[["unique_id", "ds", "y"]].copy()
        history["unique_id"] = history["unique_id"].astype(str)
        self.history_ = history.sort_values(["unique_id", "ds"], kind="mergesort", ignore_index=True)
        ids = set(self.history_["unique_id"])
        self.totals_ = {uid: parent for uid in sorted(ids) if (parent := ancestor(uid, ids)) is not None}
        self.freq_ = freq
        return self

    def predict(self, h: int, levels: Sequence[int] = (80, 95), panel: pd.DataFrame | None = None) -> pd.DataFrame:
        """Return h rows per series that has a total (or is one): unique_id, ds, y_hat and bounds.

        Forecasts start after each series' last point in the fitted panel, or in `panel` (a later origin);
        totals are read from the fitted panel and `panel` together, never after the series' last point.
        """
        check_is_fitted(self, "history_")
        if int(h) != h or not 1 <= h <= self.max_horizon:
            raise ValueError(f"h must be an integer in 1..max_horizon={self.max_horizon}, got {h!r}")
        h = int(h)
        series = self.history_
        known = self.history_
        if panel is not None:
            series = panel[["unique_id", "ds", "y"]].astype({"unique_id": "str"}).sort_values(
                ["unique_id", "ds"], kind="mergesort", ignore_index=True)
            known = pd.concat([self.history_, series], ignore_index=True).drop_duplicates(
                ["unique_id", "ds"], keep="last").sort_values(["unique_id", "ds"], kind="mergesort")
        by_id = {uid: pd.Series(y, index=pd.DatetimeIndex(ds)) for uid, ds, y in iter_series(known)}
        ids = set(by_id)
        # every proper '/'-prefix of a known id: a series that is one is the total of some other series
        prefixes = {"/".join(parts[:k]) for parts in (uid.split("/") for uid in ids) for k in range(1, len(parts))}
        rows, values = [], []
        for uid, ds, y in iter_series(series):
            total_id = ancestor(uid, ids)
            if total_id is None and uid not in prefixes:
                continue
            fc = self._forecast_one(pd.Series(y, index=pd.DatetimeIndex(ds)),
                                    by_id[total_id] if total_id else None, h, levels)
            if fc is None:
                continue
            rows.append(pd.DataFrame({"unique_id": uid, "ds": future_dates(ds[-1], h, self.freq_)}))
            values.append(fc.to_numpy(dtype=float))
        cols = interval_columns(levels)
        if not rows:
            out = pd.DataFrame({"unique_id": pd.Series(dtype="str"), "ds": pd.Series(dtype=series["ds"].dtype)})
            return out.assign(**{c: pd.Series(dtype="float64") for c in cols})
        out = pd.concat(rows, ignore_index=True)
        out["unique_id"] = out["unique_id"].astype("str")
        out["ds"] = out["ds"].astype(series["ds"].dtype)
        out[cols] = np.vstack(values)
        return out

    def _forecast_one(self, y: pd.Series, total: pd.Series | None, h: int,
                      levels: Sequence[int]) -> pd.DataFrame | None:
        """Return y_hat and bounds for one series from its total's history up to its last date, or None."""
        last = y.index[-1]
        if total is None:  # the series is a total: its own drift projection (share 1)
            return Drift().fit(y.to_numpy()).predict(h, levels=levels)
        total = total[total.index <= last]
        common = y.index.intersection(total.index)
        common = common[total.loc[common].to_numpy() != 0]
        if common.empty:
            return None
        shares = y.loc[common].to_numpy() / total.loc[common].to_numpy()
        share, at = float(shares[-1]), common[-1]
        # steps from the total's last point (<= last) and from the share's date to the forecast dates
        lead_total = len(pd.date_range(total.index[-1], last, freq=self.freq_)) - 1
        lead_share = len(pd.date_range(at, last, freq=self.freq_)) - 1
        drift = Drift().fit(total.to_numpy())
        total_fc = drift.predict(lead_total + h, levels=(80,))["y_hat"].to_numpy()[lead_total:]
        sd_total = _sd(drift, lead_total + h)[lead_total:]
        sd_share = _sd(Naive().fit(shares), lead_share + h)[lead_share:]
        sd = np.sqrt((total_fc * sd_share) ** 2 + (share * sd_total) ** 2)
        return normal_intervals(share * total_fc, sd, levels)
