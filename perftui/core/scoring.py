"""Scoring a 自评, as data and functions (财预〔2020〕10号 and the published 自评表's notes).

* 预算执行: 分值 10, 得分 = 分值 × min(B/A, 1).
* The indicators share the other 90: 产出 50, 效益 30, 满意度 10, each split
  evenly over its rows (to the cent, the odd cents to the first rows, so the
  分值 add up exactly). Where 成本指标 is a 一级 (the 2021 guideline), its rows
  share 产出's 50 with the 产出 rows unless a weight is set for it, which is
  then taken from 产出's. Every 分值 can be changed on the form.
* A row's 得分 by rule: for a ≥ or > target 分值 × min(实际/目标, 1); for a ≤
  or < target 分值 × min(目标/实际, 1); for an = target 分值 × (1 − |实际 − 目标|
  / 目标), not below 0. A bare figure ("124套") is a floor, a bare amount of
  money ("50万元") a ceiling, as :attr:`Target.is_ceiling` reads cost targets.
  A qualitative target (or an 实际完成值 in words) is judged 达成 / 部分达成 /
  未达成, which bounds the 得分 to 80–100% / 60–80% / 0–60% of the 分值; the
  band's top is proposed.
* 等级: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差.

Scores are Decimal, never float. A proposed 得分 is rounded half up to two
decimals, the way the table is filled in, and the 总分 is the exact sum of the
row scores as shown, so adding up the column by hand gives the 总分. All
bounds are :class:`Rules`, read from ``[scoring]`` in config.toml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from perftui.config import ConfigError
from perftui.core import taxonomy
from perftui.core.evaluation import BANDS, MET, PARTLY, UNMET, Evaluation, EvaluationRow
from perftui.core.model import Indicator
from perftui.core.normalize import fold
from perftui.core.target import Target, parse_target
from perftui.i18n import N_, current_locale

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
CENT = Decimal("0.01")

#: 等级 names, best first.
EXCELLENT, GOOD, FAIR, POOR = "优", "良", "中", "差"
GRADE_LABELS = {EXCELLENT: N_("优"), GOOD: N_("良"), FAIR: N_("中"), POOR: N_("差")}

# Why a row has no 得分 by rule (codes for findings).
NO_ACTUAL, NO_BAND, UNIT_MISMATCH, NO_WEIGHT, NO_BUDGET = "no-actual", "no-band", "unit", "no-weight", "no-budget"


@dataclass(frozen=True)
class Rules:
    """The numbers scoring and its checks use; defaults are the published ones."""

    execution_weight: Decimal = Decimal(10)
    #: The 分值 each 一级 shares among its rows.
    weights: Mapping[str, Decimal] = field(
        default_factory=lambda: MappingProxyType(
            {taxonomy.OUTPUT: Decimal(50), taxonomy.BENEFIT: Decimal(30), taxonomy.SATISFACTION: Decimal(10)}
        )
    )
    #: 成本指标's share when it is a 一级; None: its rows share 产出's with the 产出 rows.
    cost_weight: Decimal | None = None
    #: Each band's share of the 分值, (low, high), both inclusive.
    bands: Mapping[str, tuple[Decimal, Decimal]] = field(
        default_factory=lambda: MappingProxyType(
            {
                MET: (Decimal("0.8"), ONE),
                PARTLY: (Decimal("0.6"), Decimal("0.8")),
                UNMET: (ZERO, Decimal("0.6")),
            }
        )
    )
    #: (lowest 总分, 等级), best first.
    grades: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), EXCELLENT),
        (Decimal(80), GOOD),
        (Decimal(60), FAIR),
        (ZERO, POOR),
    )
    #: How far the 监控's 执行率 may trail the share of the year passed before it needs a reason.
    lag_margin: Decimal = Decimal("0.10")


DEFAULT_RULES = Rules()


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(f"[scoring] {where}: a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ConfigError(f"[scoring] {where}: a number, not {value!r}") from None
    if not number.is_finite() or number < 0 or number > HUNDRED:
        raise ConfigError(f"[scoring] {where}: a number from 0 to 100, not {value!r}")
    return number


_LEVEL_KEYS = {"output": taxonomy.OUTPUT, "benefit": taxonomy.BENEFIT, "satisfaction": taxonomy.SATISFACTION}
_BAND_KEYS = {"met": MET, "partly": PARTLY, "unmet": UNMET}


def rules_from_config(raw: Mapping[str, Any] | None) -> Rules:
    """Rules from the ``[scoring]`` table of config.toml; every key optional::

        [scoring]
        execution = 10          # 预算执行's 分值
        output = 50             # 产出指标's, shared by its rows
        benefit = 30
        satisfaction = 10
        cost = 20               # 成本指标 as a 一级: its share, taken from 产出's
        met = [80, 100]         # 达成: 80–100% of the 分值
        partly = [60, 80]
        unmet = [0, 60]
        lag_margin = 10         # 监控: 执行率 may trail the year by 10 points without a reason

    Raises :class:`ConfigError` with one line naming the key.
    """
    raw = dict(raw or {})
    unknown = set(raw) - {"execution", "cost", "lag_margin", *_LEVEL_KEYS, *_BAND_KEYS}
    if unknown:
        raise ConfigError(f"[scoring] unknown key {sorted(unknown)[0]!r}")
    base = DEFAULT_RULES
    weights = dict(base.weights)
    for key, level in _LEVEL_KEYS.items():
        if key in raw:
            weights[level] = _number(raw[key], key)
    bands = dict(base.bands)
    for key, band in _BAND_KEYS.items():
        if key in raw:
            pair = raw[key]
            if not isinstance(pair, list) or len(pair) != 2:
                raise ConfigError(f"[scoring] {key}: two percentages, e.g. [80, 100]")
            low, high = (_number(value, key) / HUNDRED for value in pair)
            if low > high:
                raise ConfigError(f"[scoring] {key}: the lower bound comes first")
            bands[band] = (low, high)
    cost = _number(raw["cost"], "cost") if "cost" in raw else None
    if cost is not None and cost > weights[taxonomy.OUTPUT]:
        raise ConfigError("[scoring] cost: at most output's weight, which it is taken from")
    return Rules(
        execution_weight=_number(raw["execution"], "execution") if "execution" in raw else base.execution_weight,
        weights=MappingProxyType(weights),
        cost_weight=cost,
        bands=MappingProxyType(bands),
        grades=base.grades,
        lag_margin=_number(raw["lag_margin"], "lag_margin") / HUNDRED if "lag_margin" in raw else base.lag_margin,
    )


# -- weights -------------------------------------------------------------------


def round_points(value: Decimal) -> Decimal:
    """A score as the table shows it: two decimals, half up (9.6938… → 9.69)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split(points: Decimal, count: int) -> list[Decimal]:
    """``points`` shared by ``count`` rows to the cent, the odd cents to the first rows.

    50 over 4 rows is 12.50 each; 30 over 7 is four 4.29 and three 4.28,
    which add up to 30.00 exactly.
    """
    if count <= 0:
        return []
    cents = int((points / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    each, odd = divmod(cents, count)
    return [(Decimal(each + (index < odd)) * CENT) for index in range(count)]


def _share_key(layout: str, level1: str, rules: Rules) -> str | None:
    """Which weight a row of this 一级 shares (None: a 一级 that carries no weight)."""
    if level1 == taxonomy.COST and layout == taxonomy.GUIDELINE_2021:
        return taxonomy.COST if rules.cost_weight is not None else taxonomy.OUTPUT
    return level1 if level1 in rules.weights else None


def default_weights(indicators: Sequence[Indicator], layout: str, rules: Rules = DEFAULT_RULES) -> list[Decimal | None]:
    """Each row's default 分值: its 一级's weight split evenly over that 一级's rows."""
    pools: dict[str, Decimal] = dict(rules.weights)
    if rules.cost_weight is not None:
        pools[taxonomy.COST] = rules.cost_weight
        pools[taxonomy.OUTPUT] = pools.get(taxonomy.OUTPUT, ZERO) - rules.cost_weight
    members: dict[str, list[int]] = {}
    for index, row in enumerate(indicators):
        key = _share_key(layout, row.level1, rules)
        if key is not None:
            members.setdefault(key, []).append(index)
    result: list[Decimal | None] = [None] * len(indicators)
    for key, indexes in members.items():
        for index, points in zip(indexes, split(pools[key], len(indexes))):
            result[index] = points
    return result


# -- a row's score by rule -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the rule says a row (or 预算执行) scores.

    ``exact`` is the rule's value before rounding; ``low``/``high`` the range a
    score agrees with the rule in (equal to ``exact`` for a quantitative rule,
    the band's bounds for a qualitative one). ``problem`` says why there is no
    proposal (``score`` is None then).
    """

    score: Decimal | None = None
    exact: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    band: str = ""  # the band judged in (chosen or read from the 实际完成值), for a qualitative rule
    problem: str = ""

    @property
    def banded(self) -> bool:
        return bool(self.band)

    def agrees(self, score: Decimal) -> bool:
        """Does a written ``score`` follow the rule?

        A band's score anywhere in its bounds does. A quantitative score does
        when it is the rule's value rounded to the places it is written with,
        one decimal at least: 11.84 and 11.8 agree with 11.842…, 12 does not;
        9 does not agree with 9.8, nor 10 with 9.69.
        """
        if self.exact is None:
            return True
        if self.banded:
            assert self.low is not None and self.high is not None
            return self.low <= score <= self.high
        places = max(1, -score.as_tuple().exponent)  # type: ignore[operator]
        return self.exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == score


def _comparator(target: Target) -> str:
    if target.comparator:
        return target.comparator
    return "≤" if target.in_wan_yuan() is not None else "≥"


def _in_unit(target: Target, actual: Target) -> Decimal | None:
    """The actual number in the target's unit: the same unit or none written, or money converted."""
    assert actual.number is not None
    if not actual.unit or actual.unit == target.unit:
        return actual.number
    target_money, actual_money = target.in_wan_yuan(), actual.in_wan_yuan()
    if target_money is not None and actual_money is not None and target.number:
        return actual_money * target.number / target_money
    return None


def units_differ(value: str, actual: str) -> bool:
    """Is the 实际完成值 a figure in another unit than the target's (天 against 小时)?"""
    target, got = parse_target(value), parse_target(actual)
    return target.number is not None and got.number is not None and _in_unit(target, got) is None


def by_comparison(comparator: str, target: Decimal, actual: Decimal) -> Decimal:
    """The share of the 分值 a figure earns against its target (1 when met), exact."""
    if comparator in ("≥", ">"):
        return ONE if target == 0 else min(actual / target, ONE)
    if comparator in ("≤", "<"):
        return ONE if actual <= target or actual == 0 else min(target / actual, ONE)
    if target == 0:  # "=0": met only by nothing
        return ONE if actual == 0 else ZERO
    return max(ZERO, ONE - abs(actual - target) / target)


_UNMET_WORDS = ("未达成", "未达到", "未完成", "未实现", "未达标", "没有完成", "无法完成", "不达标")
_PARTLY_WORDS = ("部分", "基本")
_MET_WORDS = ("达成", "达到", "完成", "实现", "达标", "符合")


def infer_band(target: str, actual: str) -> str:
    """The band an 实际完成值 in words says ("达成预期指标", "部分完成", "未完成"), or blank.

    An 实际完成值 that repeats the target ("优秀" for "优秀") is 达成.
    """
    said = "".join(fold(actual).split())
    if not said:
        return ""
    if any(word in said for word in _UNMET_WORDS):
        return UNMET
    if any(word in said for word in _PARTLY_WORDS):
        return PARTLY
    if said == "".join(fold(target).split()) or any(word in said for word in _MET_WORDS):
        return MET
    return ""


def propose(value: str, actual: str, weight: Decimal | None, band: str = "", rules: Rules = DEFAULT_RULES) -> Proposal:
    """The rule's 得分 for a row with target ``value``, 实际完成值 ``actual`` and 分值 ``weight``.

    ``band`` is the operator's judgement (达成/部分达成/未达成); without one a
    qualitative row is judged by what its 实际完成值 says, if anything.
    """
    if weight is None:
        return Proposal(problem=NO_WEIGHT)
    target, got = parse_target(value), parse_target(actual)
    if band not in BANDS:
        band = ""
    if not band and target.number is not None and got.number is not None:
        figure = _in_unit(target, got)
        if figure is None:
            return Proposal(problem=UNIT_MISMATCH)
        exact = weight * by_comparison(_comparator(target), target.number, figure)
        return Proposal(round_points(exact), exact, exact, exact)
    if not actual.strip() and not band:
        return Proposal(problem=NO_ACTUAL)
    band = band or infer_band(value, actual)
    if not band:
        return Proposal(problem=NO_BAND)
    low, high = rules.bands[band]
    return Proposal(round_points(weight * high), weight * high, weight * low, weight * high, band)


def propose_execution(spending, weight: Decimal) -> Proposal:
    """预算执行's 得分: 分值 × min(B/A, 1), A the 全年预算数 (else 年初预算数), B the 全年执行数."""
    rate = spending.rate
    if rate is None:
        return Proposal(problem=NO_BUDGET)
    exact = weight * min(rate, ONE)
    return Proposal(round_points(exact), exact, exact, exact)


# -- a whole 自评 ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scored:
    """One scored line of the 自评 (预算执行 or an indicator row)."""

    weight: Decimal | None  # the 分值 in force: as set, else the default
    default_weight: Decimal | None
    proposal: Proposal
    score: Decimal | None  # the 得分 in force: as written, else the rule's
    written: bool  # the 得分 was written (not taken from the rule)

    @property
    def off_rule(self) -> bool:
        """A written 得分 that the rule does not give."""
        return self.written and self.score is not None and not self.proposal.agrees(self.score)


@dataclass(frozen=True, slots=True)
class Scorecard:
    execution: Scored
    rows: tuple[Scored, ...]

    @property
    def weight_total(self) -> Decimal:
        return sum((s.weight for s in (self.execution, *self.rows) if s.weight is not None), ZERO)

    @property
    def complete(self) -> bool:
        return all(s.score is not None for s in (self.execution, *self.rows))

    @property
    def total(self) -> Decimal:
        """总分: the exact sum of the scores in force (missing ones count nothing)."""
        return sum((s.score for s in (self.execution, *self.rows) if s.score is not None), ZERO)

    def grade(self, rules: Rules = DEFAULT_RULES) -> str:
        """等级 of the 总分; blank while a score is missing."""
        return grade(self.total, rules) if self.complete else ""


def grade(total: Decimal, rules: Rules = DEFAULT_RULES) -> str:
    for lowest, name in rules.grades:
        if total >= lowest:
            return name
    return rules.grades[-1][1]


def score_row(row: EvaluationRow, default_weight: Decimal | None, rules: Rules = DEFAULT_RULES) -> Scored:
    weight = row.weight if row.weight is not None else default_weight
    proposal = propose(row.indicator.value, row.actual, weight, row.band, rules)
    written = row.score is not None
    return Scored(weight, default_weight, proposal, row.score if written else proposal.score, written)


def score(evaluation: Evaluation, layout: str | None = None, rules: Rules = DEFAULT_RULES) -> Scorecard:
    """Every 分值 and 得分 of a 自评 (its rows as they are: align them with the form first).

    ``layout`` is the form's indicator layout; by default read from the rows'
    一级 names, as the importer reads it.
    """
    indicators = [row.indicator for row in evaluation.rows]
    if layout is None:
        layout = taxonomy.infer_layout(row.level1 for row in indicators)
    defaults = default_weights(indicators, layout, rules)
    rows = tuple(score_row(row, weight, rules) for row, weight in zip(evaluation.rows, defaults))
    weight = evaluation.execution_weight if evaluation.execution_weight is not None else rules.execution_weight
    proposal = propose_execution(evaluation.execution.overall, weight)
    written = evaluation.execution_score is not None
    execution = Scored(
        weight, rules.execution_weight, proposal, evaluation.execution_score if written else proposal.score, written
    )
    return Scorecard(execution, rows)


# -- showing ------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _two_decimals(locale: str):
    # babel is imported on first use; the pattern is explicit (never the locale's default).
    from babel import Locale
    from babel.numbers import parse_pattern

    pattern, parsed = parse_pattern("#,##0.00"), Locale.parse(locale)
    return lambda value: pattern.apply(value, parsed)


def format_points(points: Decimal | None, *, blank: str = "") -> str:
    """A 分值 or 得分 with two decimals, rounded half up as the table is filled in: ``11.84``."""
    if points is None:
        return blank
    return _two_decimals(current_locale())(round_points(points))


def format_rate(rate: Decimal | None, *, blank: str = "") -> str:
    """An 执行率 as a percentage with two decimals: ``96.94%``."""
    if rate is None:
        return blank
    return _two_decimals(current_locale())(round_points(rate * HUNDRED)) + "%"
