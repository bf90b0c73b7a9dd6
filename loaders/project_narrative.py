"""Projects named only in running text, for documents that print no project table.

Used as a fallback by ``loaders.projects.extract_projects`` when no project block, performance table or
项目支出预算表 line exists. A sentence such as "社保服务专项预算100万元，主要用于…" names a project
(a name ending in 项目/工程/专项/经费/…费/补助/资金) with its amount (万元, or 元 converted). The name
starts after the sentence's last verb or cited 文号 (下达, 分别是, …98号); budget aggregates (基本支出, 三公经费,
一般公共预算拨款, subjects with 类/款/项 …) are never read as projects.
"""

from __future__ import annotations

import re

from kb.core.normalize import match_key
from loaders.notes import note
from loaders.project_fields import read_amount
from loaders.project_tables import Entry

_PROJECT_SENTENCE = re.compile(
    r"(?P<name>[\u4e00-\u9fff“”\"（）()A-Za-z0-9]{2,40}?(?:项目|工程|专项|经费|补助|补贴|资金|(?<=[\u4e00-\u9fff]{4})费))"
    r"(?:预算数?|安排|(?:奖补|补助|专项|项目)?资金|经费)?(?:为|共计|计|是)?\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元(?![/每]))")
# Words after which a project's name starts: the verbs and enumerating words of a sentence that names a
# project (…98号下达X项目资金200万元, 分别是X经费5万元, 其中X项目10万元), and the end of a cited 文号.
_NAME_START = re.compile(r"^.*(?:\d号|分别是|分别为|下达|安排|拨付|分配|收回|用于|其中|包括|共计|合计|给予)")
_NOT_A_PROJECT = re.compile(
    r"三公|公用经费|人员经费|工作经费总额|收入|支出|拨款|合计|总计|预算|基本|一般公共|政府性基金|国有资本|结转|结余|采购|"
    r"（类）|（款）|（项）|\(类\)|其中|增加|减少|比上年|共涉及|涉及|因公出国|公务接待|公务用车|会议费|培训费|每|标准(?!化)|"
    r"办公费|印刷费|咨询费|手续费|水费|电费|邮电费|物业管理费|差旅费|维修\(护\)费|租赁费|劳务费|委托业务费|工会经费|福利费|"
    r"取暖费|燃料费|保险费|服务费$")
# Words that say where money comes from or what state it is in, never what it is for. A name whose stem
# (the name without its 资金/经费/项目 suffix) is made of these words only is a funding split or a funding
# figure (中央资金, 市级配套资金, 实际到位资金, 年初批复资金, 结转结余资金, 资金来源), not a project.
_FUNDING_WORDS = sorted({
    # sources
    "中央", "省", "市", "县", "区", "州", "乡", "镇", "本级", "上级", "地方", "自筹", "配套", "其他", "财政", "省级", "市级",
    "县级", "区级", "州级", "乡级", "镇级", "预算内", "社会", "单位", "自有", "银行", "贷款", "债券", "专项", "补助", "一般",
    "转移支付", "统筹", "整合", "筹集", "投入", "来源", "资金来源",
    # states and steps of money
    "实际", "到位", "到账", "拨付", "拨入", "下达", "下拨", "批复", "安排", "年初", "年中", "全年", "当年", "本年", "上年",
    "调整", "调整后", "追加", "调减", "执行", "支付", "使用", "已", "未", "应", "累计", "剩余", "结余", "结转", "计划",
    "总", "合计", "共", "申请", "申报", "落实", "争取", "预算", "项目", "各类", "相关", "所需", "全部", "部分",
}, key=len, reverse=True)
_FUNDING_STEM = re.compile("(?:" + "|".join(map(re.escape, _FUNDING_WORDS)) + ")+")
# A purpose with an allocation verb (产业发展安排资金), a region's share (我市…补助资金, 全县…资金) or a fund named
# by its level of government (2022年州级财政衔接…补助资金) is an allocation of a fund, not a project.
_ALLOCATION = re.compile(r"(?:安排|下达|分配|拨付|落实|筹集|整合|统筹|到位)(?:资金|经费)$|^(?:[我你全本][市县区州省镇乡])|"
                         r"(?:中央|省级|州级|市级|县级|区级|本级)财政|^(?:省|市|县|区)财政(?!局)|下达|下拨|拨付")
_GENERIC_SUFFIX = re.compile(r"(?:项目)?(?:资金|经费|补助资金|专项资金|补助|补贴|投资|拨款|项目)$")
_LEADING_MARK = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）.、．]\s*|主要用于|用于|安排|包括|其中|共有|"
                           r"现(?:将|下达|拨付|分配|下拨|预拨|安排)?(?:给)?(?:你们|你区|你县|你市|你单位|贵单位|你)?"
                           r"(?:20\d\d\s*年度?)?|"
                           r"20\d\d\s*年度?(?=安排|下达|拨付|分配|共|全年|预算|用于|省级|市级|县级|区级|中央|本级|第)|"
                           r"(?:下达|拨付|分配)(?:20\d\d\s*年度?)?)+")
_AFTER_VERB = re.compile(r"^(?:给)?(?:你们|你区|你县|你市|你镇|你乡|你局|你单位|贵单位|你)?(?:20\d\d\s*年度?)?")
# A trailing bracket that names the fund paying for the project ('(2022年少数民族发展资金项目)'), not the project
_FUNDING_NOTE = re.compile(r"[（(](?:20\d\d年度?)?[^（()）]{0,16}资金(?:项目)?[)）]$")
_SOURCE_LABEL = re.compile(r"(?:资金来源|来源|资金渠道)$")
_TITLE_LINES = 8  # the head of a document where a notice prints the fund it allocates ('关于下达…X资金的通知')


def is_funding_phrase(name: str) -> bool:
    """True when ``name`` names a source or a state of money (a funding split), not what the money is for.

    The stem left when the generic suffix (资金, 经费, 补助, 项目 …) is taken off must hold a word of its own;
    a stem made only of source and state words (中央, 市级, 配套, 实际, 到位, 结余 …) is a funding phrase.

    Example:
        >>> [is_funding_phrase(n) for n in ("实际到位资金", "其中：中央资金", "市级配套资金", "社保服务专项", "项目资金")]
        [True, True, True, False, True]
        >>> [is_funding_phrase(n) for n in ("产业发展安排资金", "我市2022年州级财政衔接推进乡村振兴补助", "科技活动交流经费")]
        [True, True, False]
    """
    key = re.sub(r"^(?:其中|包括|含)[:：]?", "", "".join(name.split()).strip("（()）“”\"'"))
    if _ALLOCATION.search(key):
        return True
    stem = _GENERIC_SUFFIX.sub("", key)
    return not stem or bool(_FUNDING_STEM.fullmatch(stem))


def clean_project_name(name: str) -> str:
    """A project's name without a trailing note on the fund that pays for it.

    Example:
        >>> clean_project_name("2022年边销茶推广项目(2022年少数民族发展资金项目)"), clean_project_name("机井工程(二期)")
        ('2022年边销茶推广项目', '机井工程(二期)')
    """
    stripped = _FUNDING_NOTE.sub("", name).strip()
    return stripped if len(stripped) >= 2 else name


def _name_of(match: re.Match) -> str:
    """The project name of a sentence match: from after its last verb or enumerating word, leading marks off."""
    name = match.group("name")
    start = _NAME_START.match(name)
    if start and len(name) - start.end() >= 4:
        # after a verb (下达你单位2022年X项目资金) the recipient and the year qualify the allocation, not the name
        name = _AFTER_VERB.sub("", name[start.end():]) or name[start.end():]
    return clean_project_name(_LEADING_MARK.sub("", name).strip())


def is_excluded_name(name: str) -> bool:
    """True when a hand rule says a sentence's name is not a project: a budget aggregate or item (基本支出, 三公,
    办公费 …, ``_NOT_A_PROJECT``) or a funding phrase (``is_funding_phrase``)."""
    return bool(_NOT_A_PROJECT.search(name)) or is_funding_phrase(name)


def narrative_entries(rows: list, generous: bool = False) -> list[Entry]:
    """Projects named with an amount in the document's text lines (not table rows).

    Args:
        rows: the document's ``loaders.rows.Row`` records; only text rows (``is_table`` False) are read.
        generous: keep the names the hand rules exclude (``is_excluded_name``) too, for the learned filter
            (``loaders.project_filter``) to judge; False applies the rules.

    Returns:
        One ``Entry`` per distinct (name, amount), in order, each noting the line it was read from.

    Example:
        >>> from loaders.rows import Row
        >>> [(e.name, e.amount) for e in narrative_entries([Row(["2.社保服务专项预算100万元，用于…"], 9)])]
        [('社保服务专项', 100.0)]
    """
    entries: list[Entry] = []
    seen: set[tuple[str, float]] = set()
    head = match_key(" ".join(" ".join(row.cells) for row in rows[:_TITLE_LINES]))
    for row in rows:
        if row.is_table:
            continue
        clauses = re.split(r"([，。；;：:,])", " ".join(row.cells))
        for number in range(0, len(clauses), 2):
            clause = clauses[number]
            if number >= 2 and clauses[number - 1] in ":：" and _SOURCE_LABEL.search(clauses[number - 2]):
                continue  # 资金来源:少数民族发展项目资金173万元 names where the money comes from
            for match in _PROJECT_SENTENCE.finditer(_LEADING_MARK.sub("", clause.strip())):
                name, amount = _name_of(match), read_amount(match.group("amount"))
                if amount and match.group("unit") == "元":  # printed in 元
                    amount = round(amount / 10000, 6)
                if not amount or (not generous and is_excluded_name(name)) or (name, amount) in seen \
                        or (name.endswith("资金") and match_key(name) in head):  # the fund the notice allocates
                    continue
                seen.add((name, amount))
                entries.append(Entry(name=name, amount=amount, source_table=None, first_line=row.line,
                                     last_line=row.end_line or row.line,
                                     notes=[note("projects.from_text", line=row.line)]))
    return entries
