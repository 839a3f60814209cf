"""Model registry: name -> factory(season_length) -> unfitted estimator, plus defaults per frequency.

Later models (ARIMA, Theta, a global boosting model, Croston/TSB, ensembles) register here; the
backtest and the run only ever see names and estimators.
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.base import BaseEstimator

from forecasting.arima import AutoARIMA
from forecasting.ensemble import ENSEMBLE
from forecasting.global_model import GlobalGBM, GlobalModel
from forecasting.local_models import TSB, Theta
from forecasting.models import ETS, Drift, Naive, SeasonalNaive
from forecasting.panel import season_length
from forecasting.race import RaceRule
from forecasting.share_model import ConstantShare

ModelFactory = Callable[[int], BaseEstimator]

# Monthly ETS and GBM learn from the recent past only (measurements at their registry entries): fitted on
# the whole history, the Indeed indices' 2020-21 swings set how they forecast 2023-26. Weekly ETS and GBM do
# too (three years and one year, tried once the monthly rules were set); annual series keep their whole
# history (not compared there).
RECENT_ETS_POINTS = 36
# Weekly ETS: the same three years (tried after the monthly rule; measured at the 'ets' entry).
RECENT_ETS_WEEKS = 156
RECENT_GBM_ORIGINS = 12
RECENT_GBM_WEEKS = 52

MODEL_REGISTRY: dict[str, ModelFactory] = {
    "naive": lambda m: Naive(),
    "seasonal_naive": lambda m: SeasonalNaive(season_length=m),
    "drift": lambda m: Drift(),
    # Monthly: fitted on the last 36 points (ETS.max_points). Indeed indices (benchmarks/forecast_indeed.py, with the
    # GBM below), selected MASE / AutoETS, last 24 / 36 / 60 points / all: US (tuning set) 0.824 / 0.819 / 0.820 /
    # 0.820, i.e. no difference there; held-out GB + CA 0.841 / 0.840 / 0.852 / 0.852 and the fresh panel
    # 0.896 / 0.894 / 0.907 / 0.914 were looked at when choosing 36, so they are not untouched for this setting.
    # Monthly: also fits simple exponential smoothing (ANN) on the same points and keeps the lower AICc
    # (ETS.select_trend), as AutoETS chooses its form. MAE / AutoETS's over the longest spans (sectors 10
    # cutoffs, fresh 16; ensemble rows, members' own forecasts): ETS alone US (tuning set) 0.949 -> 0.889, the
    # ensemble US 0.875 -> 0.854; held out GB 0.947 -> 0.923, CA 0.930 -> 0.922, fresh 0.950 -> 0.928 (at the
    # 2022 turn 1.06-1.09 -> 0.95-1.01, where AAdN carried 2021's recovery on). ANN adds ~3 ms to AAdN's ~9 ms.
    # Weekly: the same rule on 156 weeks (2026-11-28). Weekly means of the Indeed sector indices, h 13, 4 windows 4
    # weeks apart (benchmarks/forecast_indeed.py --panel sectors-weekly --no-sf, run with each setting), mean
    # MASE whole-history AAdN -> 156 weeks with the form by AICc: selected US (tuning set)
    # 2.023 -> 1.942, held-out GB + CA 2.304 -> 2.312; ETS alone US 2.547 -> 2.277, GB + CA 2.621 -> 2.452. The
    # whole history with the form by AICc changed nothing (2.023, 2.297). Held out, --panel fresh-weekly (seen
    # before, with the whole history): selected 2.639 -> 2.628 (0.915 -> 0.911 of AutoETS's), ETS alone 2.851 ->
    # 2.694 (0.988 -> 0.934); 80% coverage 0.838 -> 0.833, 95% 0.939 -> 0.943.
    "ets": lambda m: ETS(trend="add", damped_trend=True, seasonal=None, season_length=m,
                         max_points={12: RECENT_ETS_POINTS, 52: RECENT_ETS_WEEKS}.get(m), select_trend=m in (12, 52)),
    # Seasonal ETS costs ~380 ms a monthly series here (TOOLCHAIN.md), so it is opt-in.
    "ets_seasonal": lambda m: ETS(trend="add", damped_trend=True, seasonal="add", season_length=m),
    "theta": lambda m: Theta(season_length=m),
    # Intermittent counts: wins the backtest on sparse series, where the others chase single spikes.
    "tsb": lambda m: TSB(alpha=0.1, beta=0.1),
    # Non-seasonal ARIMA, AICc over (0,1,0), (1,1,0), (0,1,1) with drift, then drift toggled: 4 statsmodels
    # fits, ~2x ETS's time (forecasting/arima.py). Indeed sector indices (h 6, 4 windows, step 3), mean MASE
    # US / held-out GB + CA: this 0.989 / 1.389; d by KPSS 1.060 / 1.442; d by KPSS and p + q <= 2 (7 fits)
    # 1.162 / 1.514; ETS 0.992 / 1.288; naive 1.137 / 1.479. So opt-in: it does not beat ETS there, and adding
    # it to the ETS + GBM + naive ensemble gave 0.955 / 1.281 against 0.974 / 1.272.
    "arima": lambda m: AutoARIMA(max_order=1, d=1),
}

# Global models: one fit for the whole panel per cutoff (forecasting/global_backtest.py), not per series.
# 100 rounds at rate 0.1 cost ~3 s a fit on the 133 Indeed series; 200 at 0.05 were no better there.
# Monthly: trained on each series' last 12 origins (GlobalGBM.max_origins; lags still reach back before them),
# so the 2020-21 swings no longer teach it how the indices move. Selected MASE / AutoETS on the US Indeed
# sector indices (tuning set; ETS on all points) by origins 6 / 9 / 12 / 18 / 24 / 36 / 48 / all: 0.850 / 0.822 /
# 0.820 / 0.820 / 0.853 / 0.878 / 0.867 / 0.867; 12 is the middle of the flat optimum and a year, every
# calendar month once. Held out: GB + CA 0.852 vs 0.921 with all origins, the fresh panel 0.914 vs 0.960.
# Stationary synthetic series (benchmarks/forecast_scale.py panel, 1,000 series of 60 months, nested backtest,
# with ETS on 36 points): selected (GBM everywhere) MASE 0.8244 vs 0.8226, coverage 0.803/0.950 both, 133 vs 161 s.
# GBM forecasts a series only from 3 seasons of history on (min_points; the M4 competition's seasonality test
# needs as many, and the model reads 12 lags and the calendar month). With 27-35 months, at the 2022 turn, it
# had learned 2021's recovery and forecast more growth: MAE 1.14-2.41x AutoETS's on the Indeed sectors where
# ETS scored 0.86-1.11x. Shorter series keep ETS + naive in their ensemble (ensemble.py renormalises).
# benchmarks/forecast_indeed.py, selected MASE / AutoETS (80% coverage): sectors over 10 cutoffs 1.006 ->
# 0.912 (held-out GB + CA 1.005 -> 0.927; coverage 0.813 -> 0.807), fresh over 16 cutoffs 1.109 -> 0.953
# (coverage 0.786 -> 0.797); the bar's four cutoffs: accuracy unchanged (0.834, 0.894), sectors coverage
# 0.924 -> 0.892 (its inner windows reach back to 2022). One value, set by the rule, not swept; but the 2022
# failure was seen on every panel before it was set.
# Weekly: the last 52 origins, a year as monthly's 12 (2026-11-28; one value by that analogy, not swept).
# benchmarks/forecast_indeed.py --no-sf, mean MASE all origins -> 52 (weekly ETS already on 156 weeks):
# --panel sectors-weekly selected US (tuning set) 1.942 -> 1.927 (GBM alone 2.117 -> 2.223), held-out GB + CA
# 2.312 -> 2.179 (GBM 2.270 -> 1.945); --panel fresh-weekly (held out) 2.628 -> 2.392, i.e. 0.911 -> 0.829 of
# AutoETS's (GBM 2.699 -> 2.100), 80% coverage 0.833 -> 0.830, 95% 0.943 -> 0.951.
GLOBAL_REGISTRY: dict[str, Callable[[int], GlobalModel]] = {
    "gbm": lambda m: GlobalGBM(max_iter=100, learning_rate=0.1,
                               max_origins={12: RECENT_GBM_ORIGINS, 52: RECENT_GBM_WEEKS}.get(m),
                               min_points=3 * m if m > 1 else None),
    # BLS-style share of the nearest '/'-ancestor x its drift (forecasting/share_model.py), for annual
    # occupation series; series with no ancestor and no descendant in the panel get no rows.
    "constant_share": lambda m: ConstantShare(),
}

# Combinations built from other models' rows (forecasting/ensemble.py), not fitted themselves, an
# equal-weight mean of the members (ensemble.WEIGHT_POWER; the numbers below used inverse-MAE weights).
# On the Indeed sector indices (benchmarks/forecast_indeed.py) adding theta or drift made the
# combination worse (mean MASE 1.19 -> 1.32-1.40), so the default members are ETS and naive.
# With the global model, ETS + GBM + naive scored mean MASE 0.864 on the US series (tuning set) vs ETS
# + naive 0.970 and ETS + GBM 0.875; on held-out GB + CA 1.189 vs 1.313 and 1.165 (tune log in
# benchmarks/forecast_indeed.py, same windows and scale). Screened again once monthly ETS chose its form
# (saved nested backtests, the members' own forecasts, MAE / AutoETS's; 2026-11-27): ETS + GBM beat the three
# over the long spans (sectors 10 cutoffs US 0.838 vs 0.854, GB + CA 0.910 vs 0.923; fresh 16 cutoffs 0.889 vs
# 0.928) and lost at the bar's four (US 0.921 vs 0.815, GB + CA 0.836 vs 0.832, fresh 0.946 vs 0.904): kept.
ENSEMBLE_MEMBERS: dict[str, list[str]] = {
    "MS": ["ets", "gbm", "naive"],
    "W-MON": ["ets", "gbm", "naive"],
    # Annual: drift + constant share (drift alone where a series has no total). On the pipeline's annual
    # panel (h=5, 3 windows, step 1; chosen on it, no held-out set) selected mean MASE: OEWS employment
    # 2.46 vs 2.62 with ets + naive + drift, IPEDS 0.45 vs 0.53, NCES Digest 1.58 vs 2.60, NCSES 3.53 vs 5.00.
    "YS": ["drift", "constant_share"],
}

# theta is registered but not a default: ~25-65 ms a fit here and the worst local model on the
# Indeed indices (mean MASE 1.80 vs ETS 1.19). tsb costs ~1 ms and only wins on sparse counts.
# gbm is monthly/weekly only: annual series are too short (5-20 points) to train a tree.
# constant_share (BLS-style) is a baseline of every annual series with a '/'-ancestor in the panel, e.g.
# the OEWS occupations under 'employment/US/oews' (all occupations): on the 27 occupation series (h=5, 3
# windows, step 1) MASE 2.66 vs naive 2.75, drift 2.53, ETS 2.90; 80%/95% coverage 0.82/0.95.
# arima (forecasting/arima.py) is opt-in: on the Indeed indices it did not beat ETS on held-out GB + CA
# (MASE 1.389 vs 1.288) at ~2x ETS's cost; annual: best on OEWS employment, near worst on supply.
DEFAULT_MODELS: dict[str, list[str]] = {
    "MS": ["naive", "seasonal_naive", "ets", "tsb", "gbm", ENSEMBLE],
    "W-MON": ["naive", "seasonal_naive", "ets", "tsb", "gbm", ENSEMBLE],
    "YS": ["naive", "drift", "ets", "constant_share", ENSEMBLE],
}

# With exogenous regressors (forecasting/exog.py) the default set also runs these local models that read
# them (arima: regression with ARIMA errors, whose coefficients model_form reports) as candidates for
# selection; gbm, an ensemble member, reads them too; ETS and the baselines do not.
# ARIMA is not added to the ensemble: benchmarks/forecast_exog.py (Indeed sectors, each country's total
# postings index as regressor, nested backtest; selected MASE / no regressor's, US = tuning set) with ARIMA in
# the ensemble: the total's actual values 1.050 (US), the total 6 months earlier 1.035; without it 1.053 and
# 0.999. (Held out, GB + CA: 0.926 / 1.051 with ARIMA, 0.976 / 0.981 without.)
EXOG_MODELS: list[str] = ["arima"]

BASELINE: dict[str, str] = {"MS": "seasonal_naive", "W-MON": "seasonal_naive", "YS": "naive"}

# Selection (forecasting/select.py, select_by_group): per group of sibling series (the parent id: all
# '/'-parts of unique_id but the last, e.g. one source in one country) the ensemble if it beats the
# baseline on the group's mean backtest MASE; a series leaves it only if its own best model's MASE is
# below (1 - SWITCH_MARGIN) x the ensemble's. Tuned on the US Indeed series: margins 0 / 0.2 / 0.4 /
# 0.6 / 0.8 gave selected MASE 1.072 / 1.022 / 0.939 / 0.865 / 0.864 (held-out GB + CA: 1.439 / 1.363 / 1.237 / 1.190 / 1.189).
PREFERRED = ENSEMBLE
SWITCH_MARGIN = 0.8

# Racing (forecasting/race.py; issue 4: skip expensive models where cheap ones already win): in a selection
# group of >= RACE.min_group series, the EXPENSIVE local models (per-series statsmodels fits, ~90% of a
# run's CPU) are backtested on a seeded sample of RACE.sample series first, and skipped for the rest of the
# group, with the ensemble that contains one, if on the sample each loses to the cheap choice (the ensemble
# also to the baseline) by > RACE.z standard errors of the paired per-series MASE difference;
# quality.skip_reason says so per series. min_group = 4 x sample: a race that fires saves >= 3/4 of the
# group's expensive fits, one that does not costs no extra fit (the sample needs them anyway).
# Measured 2026-11-27 (2 cores shared with another agent's benchmark, load 2-5):
#   synthetic scale panel, 10,000 series (benchmarks/forecast_scale.py): the 7,938-series group skips ETS
#     and the ensemble (sample mean MASE: ETS 1.69, ensemble 1.28 vs GBM 0.86, seasonal naive 0.99); the
#     2,062 small-count series keep them (no clear loss: ETS 0.79 vs GBM 0.78, TSB 0.78 on a 500-series run).
#     186-311 s (53.6-32.2 series/s, 0.60-1.02x statsforecast AutoETS(season_length=1)'s time in the same
#     runs; peak PSS 3.73 GB) vs 827-867 s without (2.4-3.0x);
#     1,000 series 24-39 vs 68-71 s, 2,000 series 110 vs 308 s (same runs). Picks and selected forecasts are
#     identical with and without; nested backtest of 1,000 series (evaluate_file.backtest_panel): selected
#     MASE 0.8226, 80/95% coverage 0.803/0.950, both ways.
#   Indeed sectors and `--panel fresh` (benchmarks/forecast_indeed.py; full-history ETS and GBM then): no group
#     reaches 400 series, nothing changes (selected MASE 1.051 and 0.738, coverage 0.939/0.984 and
#     0.742/0.915, outputs identical).
#     Forced onto groups of >= 30 with samples of 15 the race keeps ETS in every group (it wins there).
#   The pipeline's own panel: largest monthly group 9 series, so no race.
EXPENSIVE: frozenset[str] = frozenset({"ets", "ets_seasonal", "arima", "theta"})
RACE = RaceRule(sample=100, min_group=400, z=2.0, seed=0)


def build_models(names: list[str], freq: str) -> dict[str, BaseEstimator]:
    """Return unfitted estimators by name for this frequency's season length, in the given order.

    'ensemble' and global models are accepted and left out: the ensemble is combined from the members'
    rows after the fits, global models are fitted on the whole panel (build_global_models).
    """
    unknown = [n for n in names if n not in MODEL_REGISTRY and n not in GLOBAL_REGISTRY and n != ENSEMBLE]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; registered: {sorted([*MODEL_REGISTRY, *GLOBAL_REGISTRY])}")
    m = season_length(freq)
    return {name: MODEL_REGISTRY[name](m) for name in names if name in MODEL_REGISTRY}


def build_global_models(names: list[str], freq: str, horizon: int) -> dict[str, GlobalModel]:
    """Return unfitted global models by name, set to forecast up to `horizon` steps."""
    m = season_length(freq)
    return {name: GLOBAL_REGISTRY[name](m).set_params(max_horizon=horizon) for name in names if name in GLOBAL_REGISTRY}


def exog_readers(freq: str) -> list[str]:
    """Return the registered models (local and global) that read exogenous regressors at this frequency."""
    m = season_length(freq)
    return [name for name, make in {**MODEL_REGISTRY, **GLOBAL_REGISTRY}.items()
            if getattr(make(m), "supports_exog", False)]
