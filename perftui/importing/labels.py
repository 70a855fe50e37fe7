"""The labels units write on their forms, and what each one stands for: data, in one place.

Templates differ from province to province and year to year, but a form is
always read by its labels. To teach the importer a new template, add the
label here under the field it names; nothing else changes. Labels are compared
after :func:`label_key`: full-width folded, without spaces, ``*`` marks, a
trailing colon, a leading enumerator (``(一)``, ``1、``) or a unit in brackets
(``(万元)``); ``其中:`` is kept apart (:attr:`Label.part`).

Which scope an amount has (the 实施期's or the 年度's) is read from the label
too: 当年/年度/本年 mark the year's, 实施期/中期/项目/总 the period's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from perftui.core import taxonomy
from perftui.core.normalize import fold

# Field keys of the header.
NAME, DEPARTMENT, UNIT, PERIOD, PERIOD_START, PERIOD_END = "name", "department", "unit", "period", "period_start", "period_end"
YEAR = "year"  # 预算年度 | 2024: the form's 年度 as a field of its header
UNIT_FALLBACK = "unit_fallback"  # 填报单位, 申报单位: the 实施单位 when the table names none
TOTAL, FISCAL, FISCAL_PART, OTHER, OTHER_PART = "total", "fiscal", "fiscal_part", "other", "other_part"
FUNDING_BLOCK = "funding_block"  # 项目资金(万元), 资金情况: a heading that names the unit of what follows
GOAL = "goal"
# Scopes.
PERIOD_SCOPE, ANNUAL_SCOPE = "period", "annual"

#: Header labels -> field. A higher priority wins when a form has two labels of one field
#: (二级项目名称 over 项目名称; 实施单位 over 预算单位).
HEADER_LABELS: dict[str, tuple[str, int]] = {}


def _add(field: str, priority: int, *labels: str) -> None:
    for label in labels:
        HEADER_LABELS[label] = (field, priority)


_add(NAME, 2, "二级项目名称")
_add(NAME, 1, "项目名称", "项目支出名称", "专项(项目)名称", "项目(专项)名称", "专项名称", "专项资金名称", "项目名")
_add(
    DEPARTMENT, 2, "主管部门", "项目主管部门", "主管部门及代码", "主管部门及编码", "主管部门及其编码", "业务主管部门",
    "主管部门名称", "主管预算部门",
    # A transfer's (转移支付) form names the 主管部门 of each level: the nearest level wins.
    "区县主管部门", "县级主管部门", "区级主管部门", "地方主管部门",
)
_add(DEPARTMENT, 1, "预算部门", "主管单位", "市级主管部门", "省级主管部门", "部门名称")
_add(DEPARTMENT, 0, "中央主管部门")
_add(UNIT, 3, "实施单位", "项目实施单位", "项目执行单位", "具体实施单位", "执行单位", "实施单位名称", "资金使用单位")
_add(UNIT, 2, "预算单位", "预算单位名称")
_add(UNIT, 1, "项目单位", "项目用款单位", "用款单位")
_add(UNIT_FALLBACK, 1, "填报单位", "申报单位", "单位名称", "填报单位(盖章)")
_add(YEAR, 1, "预算年度", "申报年度", "所属年度", "编制年度", "编报年度", "年份", "项目年度")
_add(PERIOD, 1, "项目实施期", "项目期", "项目起止时间", "建设周期", "项目支出实施期", "项目周期", "实施周期", "项目实施周期", "项目起止年限")
_add(PERIOD_START, 1, "项目开始日期", "项目开始时间", "开始日期", "项目起始日期")
_add(PERIOD_END, 1, "项目完成日期", "项目完成时间", "项目结束日期", "项目结束时间", "完成日期", "结束日期")

#: Amount labels: (role, scope or None when the label does not say).
AMOUNT_LABELS: dict[str, tuple[str, str | None]] = {}


def _amounts(role: str, scope: str | None, *labels: str) -> None:
    for label in labels:
        AMOUNT_LABELS[label] = (role, scope)


_amounts(
    TOTAL, PERIOD_SCOPE,
    "实施期金额", "实施期资金总额", "中期资金总额", "项目资金总额", "项目总预算", "项目总投资",
    "项目金额", "总投资", "项目总金额", "实施期资金", "项目总资金", "实施期预算", "中期资金", "项目预算金额",
)
# 资金总额 alone says no scope (总额 is just "the total"): a form whose amounts are all
# unmarked gives its year's.
_amounts(TOTAL, None, "资金总额", "下达资金总额", "总额")
_amounts(
    TOTAL, ANNUAL_SCOPE,
    "年度金额", "年度资金总额", "当年资金总额", "年度资金申请总额", "当年年度预算", "年度本级预算金额",
    "预算申报数", "预算数", "年度预算", "年度预算数", "本年预算数", "年度资金", "当年金额", "本年度资金总额",
    "年度预算金额", "申请金额", "年度申请金额",
)
_amounts(
    FISCAL, None,
    "财政拨款", "当年财政拨款", "财政资金", "财政拨款小计", "财政性资金", "财政拨款资金", "财政拨款合计",
    "财政补助资金", "年度财政拨款", "实施期财政拨款", "预算资金",
)
_amounts(
    FISCAL_PART, None,
    "上级资金", "当年市级财政资金", "中央资金", "中央财政资金", "中央补助", "中央补助安排", "中央补助资金",
    "省级资金", "省级财政资金", "省级财政安排", "省级补助", "市级资金", "市级财政资金", "市级财政安排",
    "区级资金", "区级财政资金", "县级资金", "县级财政资金", "市县(区)财政资金", "市县财政资金", "本级财政资金",
    "本级财政拨款", "一般公共预算", "一般公共预算资金", "一般公共预算拨款", "政府性基金", "政府性基金预算",
    "政府性基金预算拨款", "国有资本经营预算", "国有资本经营预算拨款", "上级补助", "上级转移支付", "上级补助资金",
    "该项目支出上级资金", "中央财政补助", "地方资金", "地方财政资金", "省级财政补助", "市级财政补助",
)
#: 金额 labels whose figure is also a fiscal part: 本级 money is this level's 财政拨款
#: (年度本级预算金额 beside 该项目支出上级资金, both fiscal).
FISCAL_TOTALS = frozenset({"年度本级预算金额", "本级预算金额"})
_amounts(
    OTHER, None,
    "其他资金", "其它资金", "当年其他资金", "自有资金小计", "其他收入", "单位自筹", "自筹资金", "自有资金",
    "单位自有资金", "其他", "年度其他资金", "实施期其他资金", "单位自筹资金", "社会资金", "其他来源",
)
_amounts(OTHER_PART, None, "事业收入", "经营性收入", "经营收入", "事业单位经营收入", "附属单位上缴收入")

#: Headings of the funding block; their "(元)"/"(万元)" names the unit of the amounts below.
FUNDING_BLOCKS = frozenset(
    {"项目资金", "资金情况", "项目资金申请", "资金投入", "资金来源", "资金构成", "项目资金来源", "预算情况", "资金投入情况",
     "年度资金总额及构成", "资金总额及构成", "项目预算"}
)

#: Goal labels -> scope (None: 总体目标, the period's when the form also has a 年度目标, else the year's).
GOAL_LABELS: dict[str, str | None] = {
    **dict.fromkeys(
        ("实施期目标", "中期目标", "项目总目标", "实施期绩效目标", "中期绩效目标", "总目标", "实施期总体目标",
         "项目实施期目标", "中长期目标", "长期目标", "长期绩效目标"),
        PERIOD_SCOPE,
    ),
    **dict.fromkeys(
        ("年度目标", "年度总体目标", "本年度绩效目标", "年度绩效目标", "年度主要目标和成果", "当年目标",
         "本年度目标", "年度绩效目标(文字)", "本年绩效目标", "当年绩效目标", "年度绩效总目标", "年度总目标",
         # A vertically merged 年度目标 cut to its first line in a page's text.
         "年度"),
        ANNUAL_SCOPE,
    ),
    **dict.fromkeys(("总体目标", "项目目标", "总体绩效目标", "绩效目标", "项目绩效目标", "项目总体目标"), None),
}

#: Extra labels that head a small table of their own (its column headings on the same row,
#: its rows below): each cell is kept as an extra field under its heading.
SUBTABLES = frozenset({"项目实施进度计划", "实施进度计划", "项目实施进度", "项目进度计划"})

#: Other header labels seen on real forms: kept as the form's extra fields, and not
#: reported as unknown. Any other label/value pair is kept too, and reported.
KNOWN_EXTRA_LABELS = frozenset(
    {
        "一级项目名称", "项目属性", "项目类型", "项目分类", "项目来源", "资金用途", "资金性质", "项目负责人",
        "项目责任人", "联系电话", "项目负责人及联系电话", "项目负责人及电话", "基本情况", "项目概况",
        "项目概况及立项依据", "立项依据", "政策依据", "其他依据", "项目立项必要性", "项目设立必要性",
        "项目实施计划", "保证项目实施的制度措施", "保证项目实施的制度、措施", "组织实施单位", "监督管理单位",
        "需要说明的其他问题", "项目总体情况", "项目类别", "支出功能分类", "项目代码", "项目编码", "上年结转",
        "年度总体目标完成情况", "经办人", "审核人", "项目内容", "主要内容",
        # 审批表 and transfer (转移支付) forms.
        "项目审批", "项目总体概况", "财政资金预算分类", "财政资金科目代码", "年度预算执行率", "分值",
        "省级财政部门", "市级财政部门", "县级财政部门", "区县财政部门", "归口业务科室", "是否政府采购",
        "其他需说明的问题", "其他说明的问题", *SUBTABLES,
        # Budget-system forms (Jiangxi and others).
        "联系人", "部门编码", "部门职能职责概述", "单位编码", "单位名称编码",
    }
)

# -- indicator table columns ---------------------------------------------------------------

LEVEL1, LEVEL2, INDICATOR_NAME, VALUE = "level1", "level2", "name", "value"
NATURE, MEASURE = "nature", "measure"  # 指标性质 (≥, ≤, =, 定性) and 度量单位: folded into the value
PERIOD_VALUE, LAST_VALUE, WEIGHT, STANDARD, DIRECTION, NOTE = (
    "period_value", "last_value", "weight", "standard", "direction", "note"
)
BLOCK = "block"  # the leading merged 绩效指标 column

COLUMN_LABELS: dict[str, str] = {
    **dict.fromkeys(("一级指标", "一级", "一级指标名称"), LEVEL1),
    **dict.fromkeys(("二级指标", "二级", "二级指标名称"), LEVEL2),
    **dict.fromkeys(("三级指标", "三级", "指标内容", "三级指标名称", "指标名称", "绩效指标名称"), INDICATOR_NAME),
    **dict.fromkeys(
        ("指标值", "年度指标值", "指标值(年度)", "指标值及单位", "指标目标值", "年度数值", "目标值", "绩效目标值",
         "本年指标值", "本年目标值", "年度目标值", "当年指标值", "当年目标值", "绩效指标值", "年度绩效指标值",
         "指标值(包含数字及文字描述)", "本年度指标值", "全年指标值", "预期指标值", "指标目标"),
        VALUE,
    ),
    **dict.fromkeys(
        ("中期指标值", "实施期指标值", "指标值(中期)", "中期目标值", "实施期目标值", "指标值(实施期)"), PERIOD_VALUE
    ),
    **dict.fromkeys(
        ("上年实际完成值", "上年实际值", "上年完成值", "上年指标值", "上年度实际完成值", "上年实际完成情况",
         "上年度指标值", "上年目标值"),
        LAST_VALUE,
    ),
    **dict.fromkeys(("权重", "分值", "指标分值", "权重(%)", "指标权重", "权重分值"), WEIGHT),
    **dict.fromkeys(("指标解释", "绩效标准", "评分标准", "指标说明", "指标值说明", "评(扣)分标准"), STANDARD),
    **dict.fromkeys(("指标方向性", "指标方向", "方向性"), DIRECTION),
    **dict.fromkeys(("指标性质", "性质", "运算符号", "符号", "计算符号", "运算符"), NATURE),
    **dict.fromkeys(("度量单位", "计量单位", "单位", "指标值单位"), MEASURE),
    **dict.fromkeys(("备注", "说明"), NOTE),
    **dict.fromkeys(("绩效指标", "绩效", "绩"), BLOCK),
}

#: Year-named value columns: "2024年目标值" (the year's when it is the form's year),
#: "2023年实际完成值" (last year's), "预期2025年实现值".
_YEAR_VALUE = re.compile(r"(?:预期)?(\d{4})年度?(?:目标值|指标值|计划值|实现值|预期值)")
_EXPECTED_VALUE = re.compile(r"预期.*实现值|预期.*指标值|预计.*完成值")
_YEAR_ACTUAL = re.compile(r"(\d{4})年度?实际(?:完成)?(?:值|数|情况)")

#: Columns of the one-row-per-indicator sheets the budget systems export.
SHEET_COLUMNS: dict[str, str] = {
    **dict.fromkeys(("单位名称", "预算单位", "部门名称", "预算单位名称", "单位"), UNIT),
    **dict.fromkeys(("主管部门", "预算部门", "主管部门名称"), DEPARTMENT),
    **dict.fromkeys(("项目名称", "二级项目名称", "项目支出名称"), NAME),
    **dict.fromkeys(("项目期", "项目实施期"), PERIOD),
    **dict.fromkeys(("预算数", "年度金额", "预算金额", "年度预算", "预算数(万元)", "年度资金总额", "金额"), TOTAL),
    **dict.fromkeys(("财政拨款", "其中:财政拨款"), FISCAL),
    **dict.fromkeys(("其他资金",), OTHER),
    **dict.fromkeys(("年度目标", "年度绩效目标", "绩效目标", "年度总体目标"), GOAL),
}

# -- indicator level names ------------------------------------------------------------------

#: Level names units write, as the taxonomy names them. A 满意度 二级 filed under 效益指标
#: (财预〔2015〕88号) is read as the 满意度指标 一级 of the current taxonomy.
LEVEL_SYNONYMS: dict[str, str] = {
    "项目完成指标": taxonomy.OUTPUT,
    "完成指标": taxonomy.OUTPUT,
    "项目效益指标": taxonomy.BENEFIT,
    "产出": taxonomy.OUTPUT,
    "效益": taxonomy.BENEFIT,
    "满意度": taxonomy.SATISFACTION,
    "成本": taxonomy.COST,
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "社会公众或服务对象满意度": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
    "服务对象满意度指标": "服务对象满意度指标",
    "社会公众满意度指标": "服务对象满意度指标",
    "满意度指标(二级)": "服务对象满意度指标",
    "可持续影响": "可持续影响指标",
    "可持续发展指标": "可持续影响指标",
    "可持续发展": "可持续影响指标",
    # Older and transfer-payment (财预〔2015〕163号) names.
    "效果指标": taxonomy.BENEFIT,
    "效果": taxonomy.BENEFIT,
    "项目产出指标": taxonomy.OUTPUT,
    "项目产出": taxonomy.OUTPUT,
    "环境效益指标": "生态效益指标",
    "环境效益": "生态效益指标",
    "社会公众满意度": "服务对象满意度指标",
    "服务对象满意度指标(二级)": "服务对象满意度指标",
    "生态环境成本": "生态环境成本指标",
}
SATISFACTION_LEVEL2 = "服务对象满意度指标"

# -- furniture and form types -------------------------------------------------------------------

#: A form's title: no sentence punctuation, ending in 表 (and perhaps its year in brackets).
TITLE = re.compile(
    r"^[^,.;:，。；：]*(?:绩效目标|目标申报|目标批复|目标审批|目标审核|绩效申报|绩效指标|项目支出|自评|监控|整体支出)[^,.;:，。；：]*表"
    r"\s*(?:[(（][^()（）]*[)）])?\s*$"
)
SELF_EVALUATION, MONITORING, DEPARTMENT_WIDE = "self-evaluation", "monitoring", "department-wide"
OTHER_FORM_TYPES = (
    (re.compile(r"自评|绩效评价"), SELF_EVALUATION),
    (re.compile(r"监控"), MONITORING),
    (re.compile(r"部门整体|整体支出"), DEPARTMENT_WIDE),
)
#: Indicator headers of a 自评表 or 监控表 (what was achieved, not what is aimed at).
EVALUATION_HEADERS = re.compile(r"^(?:得分|自评得分|偏差原因.*|实际完成值|全年实际值|执行情况|.*执行数|.*月执行情况|完成值)$")

#: Rows of signatures and approvals around the table: never data.
SIGNATURE = re.compile(r"盖章|签字|签章|填表人|填报人|审核意见|初审意见|审批意见|复核人|负责人签")
#: Lines of one cell that are page furniture: notes, table and page numbers.
LINE_FURNITURE = re.compile(
    r"^(?:注[:：]|说明[:：]|备注[:：]|公开\d+表|附表\s*\d*|附件\s*[\d-]*|表\s*\d+|第\s*\d+\s*页.*|共\s*\d+\s*页.*"
    r"|[-—–]\s*\d+\s*[-—–]|\d+|page\s*\d+.*|填报日期.*|日期[:：].*|联系电话.*|[(（]?盖章[)）]?)$",
    re.IGNORECASE,
)
#: Headings of a form's sections, on a line of their own: never a value or goal text.
SECTION_HEADING = re.compile(r"^(?:项目)?基本信息$|^(?:项目)?基本情况$|^绩效信息$|^(?:项目)?资金信息$")
#: A caption over the indicator table (绩效项目指标表, 年度绩效指标表): never goal text.
TABLE_CAPTION = re.compile(r"^[^,.;:，。；：]{0,12}指标(?:情况)?表$")
#: A document-level unit line: 单位：万元, 金额单位：元.
UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]?\s*(万元|元)$")
#: A cell that is a year and nothing else: 2024, 2024年, 2024年度.
BARE_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年度?)?\s*$")
YEAR_TEXT = re.compile(r"[(（]\s*(\d{4})\s*[)）]\s*年度?|(\d{4})\s*年度|[(（]\s*(\d{4})\s*年\s*[)）]")
TITLE_YEAR = re.compile(r"(\d{4})\s*年")


def _normal(text: str) -> str:
    """How a label is compared: folded (、 -> ","), without spaces or ``*``."""
    return re.sub(r"\s+", "", fold(text)).replace("*", "")


# The tables above are written as forms spell them; compare them as cells are compared.
HEADER_LABELS = {_normal(key): value for key, value in HEADER_LABELS.items()}
AMOUNT_LABELS = {_normal(key): value for key, value in AMOUNT_LABELS.items()}
FISCAL_TOTALS = frozenset(map(_normal, FISCAL_TOTALS))
FUNDING_BLOCKS = frozenset(map(_normal, FUNDING_BLOCKS))
GOAL_LABELS = {_normal(key): value for key, value in GOAL_LABELS.items()}
KNOWN_EXTRA_LABELS = frozenset(map(_normal, KNOWN_EXTRA_LABELS))
SUBTABLES = frozenset(map(_normal, SUBTABLES))
COLUMN_LABELS = {_normal(key): value for key, value in COLUMN_LABELS.items()}
SHEET_COLUMNS = {_normal(key): value for key, value in SHEET_COLUMNS.items()}
LEVEL_SYNONYMS = {_normal(key): value for key, value in LEVEL_SYNONYMS.items()}


@dataclass(frozen=True)
class Label:
    """A cell read as a label: its key, and what the text around the words said."""

    key: str  # compared with the tables above
    part: bool = False  # written "其中:…"
    unit: str | None = None  # "元" or "万元" when the label says "(元)"


# fold() has turned 、 into ",": "1、事业收入" arrives as "1,事业收入".
_ENUMERATOR = re.compile(r"^(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.,]|\d+[、.．,](?!\d)|[①-⑩])")
_UNIT_IN_LABEL = re.compile(r"[(（](?:单位[:：]?)?(万元|元)[)）]")
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
_CODE = re.compile(r"^(?:[\[【(（]\s*\d+\s*[\]】)）]\s*|\d{3,}\s*[-—－_]\s*)")
#: A code after the name ("湘潭市城市管理和综合执法局 308001", "…局[308001]").
_TRAILING_CODE = re.compile(r"(?:\s+\d{3,}|\s*[\[【(（]\s*\d{3,}\s*[\]】)）])$")


@lru_cache(maxsize=8192)
def label_key(cell: str) -> Label:
    text = _normal(cell)
    unit = None
    match = _UNIT_IN_LABEL.search(text)
    if match:
        unit = match.group(1)
        text = text[: match.start()] + text[match.end() :]
    text = text.rstrip(":")
    text = _ENUMERATOR.sub("", text)
    part = False
    if text.startswith("其中:") or text.startswith("其中"):
        part = True
        text = text[3:] if text.startswith("其中:") else text[2:]
        text = text.lstrip(":")
        text = _ENUMERATOR.sub("", text)
    return Label(text, part, unit)


def strip_code(value: str) -> str:
    """[077]淮北市文化旅游体育局, 404-永济市文化和旅游局, 湘潭市…执法局 308001 -> the name alone."""
    return _TRAILING_CODE.sub("", _CODE.sub("", value.strip()).strip()).strip()


def _candidates(key: str) -> tuple[str, ...]:
    """The key, then without a trailing note in brackets, then without a leading 项目."""
    found = [key]
    bare = _TRAILING_NOTE.sub("", key)
    if bare and bare != key:
        found.append(bare)
    for text in list(found):
        if text.startswith("项目") and len(text) > 4:
            found.append(text[2:])
    return tuple(found)


#: Characters that tell one scope or field from another: a label differing from a known
#: one in one of these is another label, not a misspelling.
_MEANINGFUL = set("年度期中总当本上下实施项目一二三级省市县区央")


def _near(key: str, known) -> str | None:
    """The one known label ``key`` misspells (one character replaced, four or more long)."""
    if len(key) < 4:
        return None
    found = None
    for label in known:
        if len(label) != len(key):
            continue
        diffs = [(a, b) for a, b in zip(key, label) if a != b]
        if len(diffs) == 1 and not (set(diffs[0]) & _MEANINGFUL):
            if found is not None and found != label:
                return None
            found = label
    return found


@dataclass(frozen=True)
class Match:
    kind: str  # "header", "amount", "goal", "block", "extra"
    field: str  # the field, role or scope
    scope: str | None = None
    priority: int = 0
    unit: str | None = None
    misspelt: str = ""  # the known label a misspelling was read as
    also_fiscal: bool = False  # a 金额 that is a fiscal part too (FISCAL_TOTALS)


@lru_cache(maxsize=8192)
def match(cell: str) -> Match | None:
    """What a header cell is a label of, or None for a value (or a label nobody knows)."""
    label = label_key(cell)
    if not label.key:
        return None
    for key in _candidates(label.key):
        found = _exact(key, label)
        if found is not None:
            return found
    for known in (AMOUNT_LABELS, HEADER_LABELS):
        near = _near(label.key, known)
        if near is not None:
            found = _exact(near, label)
            if found is not None:
                return Match(found.kind, found.field, found.scope, found.priority, found.unit, near, found.also_fiscal)
    return None


def _exact(key: str, label: Label) -> Match | None:
    if key in AMOUNT_LABELS:
        role, scope = AMOUNT_LABELS[key]
        return Match("amount", role, scope or amount_scope(key), unit=label.unit, also_fiscal=key in FISCAL_TOTALS)
    if key in HEADER_LABELS and not label.part:
        field, priority = HEADER_LABELS[key]
        return Match("header", field, priority=priority)
    if key in GOAL_LABELS and not label.part:
        return Match("goal", GOAL, GOAL_LABELS[key])
    if key in FUNDING_BLOCKS:
        return Match("block", FUNDING_BLOCK, unit=label.unit)
    if key in KNOWN_EXTRA_LABELS:
        return Match("extra", key)
    return None


def amount_scope(label: str) -> str | None:
    """当年/年度/本年 -> the year's; 实施期/中期/项目…/总 -> the period's; else None."""
    if any(mark in label for mark in ("当年", "年度", "本年")):
        return ANNUAL_SCOPE
    # 项目 marks the period's as the label's first word (项目金额), not as "this project"
    # (该项目支出上级资金); 总 likewise, but not in 总额 ("the total").
    if any(mark in label for mark in ("实施期", "中期")) or label.startswith("项目") or "总" in label.replace("总额", ""):
        return PERIOD_SCOPE
    return None


@lru_cache(maxsize=4096)
def column(cell: str, year: int | None = None) -> str | None:
    """The role of an indicator-table header cell."""
    key = label_key(cell).key
    if not key:
        return None
    for candidate in (key, _TRAILING_NOTE.sub("", key)):
        if candidate in COLUMN_LABELS:
            return COLUMN_LABELS[candidate]
    match = _YEAR_ACTUAL.fullmatch(key)
    if match:
        return LAST_VALUE
    if _EXPECTED_VALUE.fullmatch(key):
        return VALUE
    match = _YEAR_VALUE.fullmatch(key)
    if match:
        if year is None or int(match.group(1)) >= year:
            return VALUE
        return LAST_VALUE
    if "中期" in key or "实施期" in key:
        if key.endswith("值"):
            return PERIOD_VALUE
    return None


_LEVEL_NOTE = re.compile(r"[(（][^()（）]*[)）]$|\d+(?:\.\d+)?分$|[(（]?\d+\s*[-~—]\s*\d+[)）]?分?$")


@lru_cache(maxsize=4096)
def level_name(cell: str) -> str:
    """A 一级/二级 cell as the taxonomy names it, or "" when it is no level name.

    Drops fill-in hints and score ranges (数量指标 (必填硬性指标), 成本指标(0-20)分),
    spaces (经济效益 指标), 值 for 指标 (产出值, 数量值), and maps the synonyms above.
    """
    text = re.sub(r"\s+", "", fold(cell)).replace("*", "").rstrip(":")
    for _ in range(3):
        stripped = _LEVEL_NOTE.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _ENUMERATOR.sub("", text)
    if not text:
        return ""
    known = taxonomy.all_level1() | taxonomy.all_level2()
    for candidate in (text, text[:-1] + "指标" if text.endswith("值") else ""):
        if not candidate:
            continue
        if candidate in LEVEL_SYNONYMS:
            return LEVEL_SYNONYMS[candidate]
        named = taxonomy.canonical_level_name(candidate)
        if named in known:
            return named
        if named in LEVEL_SYNONYMS:
            return LEVEL_SYNONYMS[named]
    return ""


@lru_cache(maxsize=4096)
def sheet_column(cell: str) -> str | None:
    """The role of a header cell of a one-row-per-indicator sheet (项目名称, 预算数…), if any.

    Besides the sheet's own names, any header, amount or goal label of a form
    names its column too (本年预算数, 其中:财政拨款, 年度绩效目标).
    """
    key = label_key(cell).key
    role = SHEET_COLUMNS.get(key) or SHEET_COLUMNS.get(_TRAILING_NOTE.sub("", key))
    if role is not None:
        return role
    found = match(cell)
    if found is None:
        return None
    if found.kind == "header" and found.field in (NAME, DEPARTMENT, UNIT, PERIOD):
        return found.field
    if found.kind == "header" and found.field == UNIT_FALLBACK:
        return UNIT
    if found.kind == "amount" and found.scope != PERIOD_SCOPE:
        return {TOTAL: TOTAL, FISCAL: FISCAL, FISCAL_PART: None, OTHER: OTHER}.get(found.field)
    if found.kind == "goal" and found.scope != PERIOD_SCOPE:
        return GOAL
    return None


def owner(level2: str) -> str | None:
    """The 一级 a 二级 belongs to, when only one does (成本指标 belongs to 产出指标 in the older layout)."""
    owners = {
        level1
        for layout in taxonomy.TAXONOMY.values()
        for level1, names in layout.items()
        if level2 in names
    }
    if level2 == SATISFACTION_LEVEL2:
        return taxonomy.SATISFACTION
    return owners.pop() if len(owners) == 1 else None
