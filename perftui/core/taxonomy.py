"""The indicator taxonomy: which 二级指标 may stand under which 一级指标.

Two layouts are in use. The older one (the seed forms) files 成本指标 as a 二级
under 产出指标. The Ministry of Finance's 2021 guideline (财预〔2021〕101号) makes
成本指标 a 一级 of its own, split into 经济/社会/生态环境成本指标. A form
records which layout it follows; the importer infers it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from perftui.i18n import N_

LEGACY = "legacy"
GUIDELINE_2021 = "2021"
LAYOUTS = (LEGACY, GUIDELINE_2021)

OUTPUT = "产出指标"
COST = "成本指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"

_BENEFITS = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
_SATISFACTIONS = ("服务对象满意度指标",)

TAXONOMY: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        LEGACY: MappingProxyType(
            {
                OUTPUT: ("数量指标", "质量指标", "时效指标", COST),
                BENEFIT: _BENEFITS,
                SATISFACTION: _SATISFACTIONS,
            }
        ),
        GUIDELINE_2021: MappingProxyType(
            {
                OUTPUT: ("数量指标", "质量指标", "时效指标"),
                COST: ("经济成本指标", "社会成本指标", "生态环境成本指标"),
                BENEFIT: _BENEFITS,
                SATISFACTION: _SATISFACTIONS,
            }
        ),
    }
)

#: 一级指标 every form needs at least one row under, whatever its layout.
REQUIRED_LEVEL1 = (OUTPUT, BENEFIT, SATISFACTION)

LAYOUT_NAMES = {
    LEGACY: N_("旧版（成本指标属产出指标）"),
    GUIDELINE_2021: N_("2021年指引（成本指标为一级）"),
}


def level1_names(layout: str) -> tuple[str, ...]:
    return tuple(TAXONOMY[layout])


def level2_names(layout: str, level1: str) -> tuple[str, ...]:
    return TAXONOMY[layout].get(level1, ())


def all_level1() -> frozenset[str]:
    return frozenset(name for layout in TAXONOMY.values() for name in layout)


def all_level2() -> frozenset[str]:
    return frozenset(n for layout in TAXONOMY.values() for names in layout.values() for n in names)


def is_cost(layout: str, level1: str, level2: str) -> bool:
    """Is this row a cost indicator in this layout?"""
    if layout == GUIDELINE_2021:
        return level1 == COST
    return level1 == OUTPUT and level2 == COST


def infer_layout(level1s) -> str:
    """The 2021 guideline if any row files 成本指标 as a 一级, else the older layout."""
    return GUIDELINE_2021 if COST in set(level1s) else LEGACY


def canonical_level_name(name: str) -> str:
    """Extraction sometimes drops the trailing 指标 ("数量", "产出"); put it back."""
    name = name.strip()
    if name and not name.endswith("指标"):
        candidate = name + "指标"
        if candidate in all_level1() or candidate in all_level2():
            return candidate
    return name
