"""Training paraphrases for the question classifier, generated from slot templates.

A pattern is written with the markers of ``kb.query.mentions.MARKERS`` standing for the names a question
holds (Ⓤ unit, Ⓨ year, Ⓓ 文号 or 文件, Ⓘ issuer, Ⓟ project, Ⓖ program, Ⓢ subject, Ⓝ indicator,
Ⓣ indicator type, Ⓚ topic word), ``{F}`` for a budget figure's wording (slot values from ``FIELD_WORDS``)
and ``(a|b|)`` for alternatives (an empty one = optional). ``generate()`` expands every pattern into its
wordings (sampled when there are many), labelled with the intent (a cypher/ template) and the operation:
list | sum | count | max | min | lookup.

No question of any test set is copied here: the patterns are written from the kinds of questions the
templates answer, and the held-out and development sets are never read to build them.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re

FIELD_WORDS = ("收入总计", "收入合计", "总收入", "支出总计", "支出合计", "总支出", "基本支出", "项目支出", "三公经费",
               "“三公”经费", "三公", "上年结转", "结转", "一般公共预算拨款", "预算总额", "一般公共预算")
_Q = "(？|?|)"
_HOW_MUCH = "(是多少|多少|有多少|为多少|是多少钱|多少钱|多少万元|多少万|几何|)"
_LIST = "(有哪些|是哪些|有什么|都有哪些|包括哪些|列一下|列出来|)"
_PROJ = "(项目|事项|支出项目|预算项目)"

PATTERNS: dict[tuple[str, str], list[str]] = {
    ("projects_by_policy", "list"): [
        "Ⓓ(支持了|资助了|支持|涉及|对应|用于|关联)(哪些|哪个|什么)(项目|单位的项目|单位)" + _Q,
        "Ⓓ(涉及|支持|关联)哪些单位的哪些项目" + _Q,
        "(哪些|哪个)(项目|单位)(引用了|用了|依据|根据|依照|按照|参照)Ⓓ" + _Q,
        "(依据|根据|按照)Ⓓ(立项|安排)的(项目|资金)" + _LIST + _Q,
        "以Ⓓ为(依据|立项依据)的项目" + _LIST + _Q,
        "(哪些项目的立项依据是|立项依据是)Ⓓ(的项目|)" + _Q,
        "Ⓓ(被哪些项目引用|被谁引用了|被哪些单位引用|下面有哪些项目)" + _Q,
        "Ⓓ(是什么文件|是什么|讲什么|)" + _Q,
        "Ⓓ(文|号文|)(相关的项目|的项目)" + _LIST + _Q,
        "(查一下|看看|请问)Ⓓ(支持的项目|对应的项目)",
    ],
    ("projects_by_policy", "sum"): [
        "Ⓓ(支持的项目|资助的项目|涉及的项目|)(一共|总共|合计|加起来|共)(多少钱|多少|多少资金|多少万元)" + _Q,
        "Ⓓ(支持|资助)了多少(钱|资金)" + _Q,
    ],
    ("projects_by_policy", "count"): [
        "Ⓓ(支持了|涉及|被)(几个|多少个)(项目|单位)(引用|)" + _Q,
        "(有几个|多少个)项目(引用了|依据)Ⓓ" + _Q,
    ],
    ("projects_by_policy", "max"): [
        "Ⓓ(支持的|涉及的)项目(里|中)?(金额|预算)?最(大|多|高)的(是哪个|是什么|)" + _Q,
    ],
    ("policies_of_project", "list"): [
        "Ⓟ(依据|根据|引用了|用了)(哪些|什么)(文件|文号|政策|政策文件)" + _Q,
        "Ⓟ的(立项依据|依据文件|政策依据|依据|文件依据)(是什么|有哪些|是哪些|)" + _Q,
        "Ⓤ的Ⓟ的(立项依据|依据文件|政策依据)(是什么|有哪些|)" + _Q,
        "ⓊⓅ(依据|引用了)(哪些|什么)(文件|文号)" + _Q,
        "Ⓟ(是|)(依据|根据)什么(文件|政策)(立项|安排|设立)的" + _Q,
        "(这个项目|它|该项目)的(依据文件|立项依据|政策依据)(是什么|有哪些|)" + _Q,
        "(这个项目|它|该项目)(依据|引用了)(哪些|什么)文件" + _Q,
    ],
    ("policies_cited_by_several_units", "list"): [
        "(哪些|什么)文件被(不止一个|多个|两个以上|两个及以上|几个)单位(共同|都|)引用" + _Q,
        "(被多个单位|多个区县|跨单位)(共同|都|)引用的文件" + _LIST + _Q,
        "(各单位|各区县|大家)(共同|都)引用(过|了)的(文件|文号)" + _LIST + _Q,
        "ⓊⓊ(Ⓤ|)(共同|都|同时|一起)引用(了|过)(哪些|什么|的)(文件|文号)" + _Q,
        "Ⓤ(和|与|跟)Ⓤ(共同|都|同时|一起)引用(了|过)(哪些|什么|的)(文件|文号)" + _Q,
        "Ⓤ(和|与|跟)Ⓤ都(引用|用)过的(文件|文号)" + _LIST + _Q,
        "Ⓤ(和|与|跟)Ⓤ(共同的|共有的|相同的)(文件|依据文件|政策依据)" + _LIST + _Q,
        "(哪些文件|什么文件)Ⓤ(和|与)Ⓤ都引用了" + _Q,
    ],
    ("policies_of_unit", "list"): [
        "Ⓤ(引用了|用了|依据了|引用过)(哪些|什么)(文件|文号|政策)" + _Q,
        "Ⓤ(的项目|)(引用的|依据的)(文件|文号|政策文件)" + _LIST + _Q,
        "Ⓤ的(政策依据|依据文件)" + _LIST + _Q,
    ],
    ("policies_of_unit", "count"): [
        "Ⓤ(引用了|用了)(几个|多少个|多少份)(文件|文号)" + _Q,
    ],
    ("most_cited_policies", "max"): [
        "(被引用|引用)(次数|)最多的(文件|文号)(有哪些|是哪个|是什么|)" + _Q,
        "(哪个|哪些)(文件|文号)被引用(得|)最多" + _Q,
        "(最常|最常被|最频繁)引用的(文件|文号|政策)" + _Q,
        "(文件|文号)(引用|被引)(次数|)(排名|排行|排序)" + _Q,
        "引用最多的(前几个|前十个|)(文件|文号)" + _Q,
    ],
    ("co_cited_policies", "list"): [
        "(和|与|跟)Ⓓ(一起|同时|共同|一同)被引用的(文件|文号)" + _LIST + _Q,
        "Ⓓ(和|与|跟)(哪些|什么)(文件|文号)(一起|同时|共同)被引用" + _Q,
        "(常和|经常和|常与)Ⓓ(一起|同时)(出现|引用)的(文件|文号)" + _Q,
        "(和|与)Ⓓ(搭配|配套)(引用|使用)的(文件|文号)" + _LIST + _Q,
    ],
    ("policies_by_issuer", "list"): [
        "Ⓘ(发了|发过|印发了|出了)(哪些|什么)(被引用的|)(文件|文号)" + _Q,
        "Ⓘ的(文件|文号)" + _LIST + _Q,
        "Ⓘ(发的|印发的|下发的)(文件|文号)(支持了|涉及)(哪些|什么)项目" + _Q,
        "(哪些|什么)(文件|文号)是Ⓘ(发的|印发的|下发的)" + _Q,
        "Ⓘ(发文|发的文)(被哪些项目引用|有哪些)" + _Q,
    ],
    ("policies_by_issuer", "count"): [
        "Ⓘ(发了|有)(几个|多少个|多少份)(被引用的|)(文件|文号)" + _Q,
    ],
    ("unit_budget", "lookup"): [
        "Ⓤ(Ⓨ|)(的|)" + "{F}" + _HOW_MUCH + _Q,
        "Ⓤ(的|)Ⓨ(的|)(年度|)" + "{F}" + _HOW_MUCH + _Q,
        "ⓎⓊ(的|)" + "{F}" + _HOW_MUCH + _Q,
        "Ⓤ(Ⓨ|)(预算|的预算|预算情况|的收支|收支情况|总体预算|部门预算)(是多少|怎么样|如何|有多少|)" + _Q,
        "(请问|查一下|看看)Ⓤ(Ⓨ|)的{F}",
        "{F}(Ⓤ|ⓊⓎ)(是多少|多少)" + _Q,
        "Ⓤ(Ⓨ|)(安排了|有)多少{F}" + _Q,
    ],
    ("budget_ranking", "max"): [
        "(哪个|哪些|什么)(单位|区县|地方|中心)的{F}最(多|高|大)" + _Q,
        "{F}最(多|高|大)的(单位|区县|是哪个单位|是哪里|)" + _Q,
        "{F}(哪个|哪家)(单位|区县)最(多|高)" + _Q,
        "(谁|哪家)的{F}最(多|高)" + _Q,
        "(各单位|各区县|)(的|){F}(从高到低|从大到小|由高到低|降序)(排|排序|排一下|排列|)" + _Q,
    ],
    ("budget_ranking", "min"): [
        "(哪个|哪些|什么)(单位|区县|地方|中心)的{F}最(少|低|小)" + _Q,
        "{F}最(少|低|小)的(单位|区县|是哪个单位|是哪里|)" + _Q,
        "{F}(哪个|哪家)(单位|区县)最(少|低)" + _Q,
        "(谁|哪家)的{F}最(少|低)" + _Q,
        "(各单位|各区县|)(的|){F}(从低到高|从小到大|由低到高|升序)(排|排序|排一下|排列|)" + _Q,
    ],
    ("budget_ranking", "list"): [
        "(各单位|各区县|所有单位|每个单位)的{F}(排名|排序|排行|对比|比较|分别是多少|各是多少|)" + _Q,
        "{F}(按单位|按区县)(排名|排序|对比)" + _Q,
        "(比较|对比)(一下|)(各单位|各区县)的{F}",
    ],
    ("budget_ranking", "sum"): [
        "(各单位|所有单位|全部单位)的{F}(一共|总共|合计|加起来)(是|)多少" + _Q,
    ],
    ("unit_projects", "list"): [
        "Ⓤ(Ⓨ|)(有|安排了|都有|设了|做了)(哪些|什么)" + _PROJ + _Q,
        "Ⓤ(Ⓨ|)的" + _PROJ + _LIST + "(清单|列表|明细|)" + _Q,
        "(列出|列一下|看看|查一下)Ⓤ(Ⓨ|)的(所有|全部|)" + _PROJ,
        "Ⓤ(Ⓨ|)(项目支出|)(包括|包含)哪些项目" + _Q,
        "ⓎⓊ(的|)(项目|项目清单)" + _Q,
        "Ⓤ(Ⓨ|)(安排了|有)哪些项目支出(，各多少钱|，分别多少|各多少|)" + _Q,
        "Ⓤ(Ⓨ|)Ⓐ的项目(有哪些|是哪些|)" + _Q,
        "Ⓤ(Ⓨ|)(哪些项目|什么项目)(金额|预算)?Ⓐ" + _Q,
    ],
    ("unit_projects", "count"): [
        "Ⓤ(Ⓨ|)(有|共有|一共有|安排了)(几个|多少个|多少)" + _PROJ + _Q,
        "Ⓤ(Ⓨ|)的(项目数|项目个数|项目数量)(是多少|有多少|)" + _Q,
        "Ⓤ(Ⓨ|)Ⓐ的项目(有几个|有多少个|数量)" + _Q,
    ],
    ("unit_projects", "sum"): [
        "Ⓤ(Ⓨ|)(所有|全部|的|)(项目)(加起来|一共|总共|合计|共)(多少钱|多少|是多少|多少万元)" + _Q,
        "Ⓤ(Ⓨ|)(项目|项目资金|项目金额)(总额|总计|合计|总和)(是多少|多少|)" + _Q,
    ],
    ("unit_projects", "max"): [
        "Ⓤ(Ⓨ|)(金额|预算|资金)?最(大|多|高)的(项目|一个项目)(是哪个|是什么|是|)" + _Q,
        "Ⓤ(Ⓨ|)(哪个|什么)项目(金额|预算|钱)?最(多|大|高)" + _Q,
    ],
    ("unit_projects", "min"): [
        "Ⓤ(Ⓨ|)(金额|预算|资金)?最(小|少|低)的(项目|一个项目)(是哪个|是什么|是|)" + _Q,
        "Ⓤ(Ⓨ|)(哪个|什么)项目(金额|预算|钱)?最(少|小|低)" + _Q,
    ],
    ("subject_across_units", "list"): [
        "(各单位|各区县|每个单位|所有单位)的Ⓢ(支出|)(是多少|分别是多少|各多少|对比|)" + _Q,
        "Ⓢ(支出|)(各单位|各区县)(分别|各)(是|)多少" + _Q,
        "Ⓤ(Ⓨ|)(的|)Ⓢ(支出|科目|)(是多少|多少|有多少|)" + _Q,
        "ⓎⓊ(的|)Ⓢ(支出|)(是多少|多少|)" + _Q,
        "Ⓢ(支出|科目)?(在各单位|在哪些单位)(的情况|有预算|)" + _Q,
        "(比较|对比)(各单位|各区县|)的Ⓢ(支出|)",
        "Ⓢ(是多少|多少钱|)" + _Q,
    ],
    ("subject_across_units", "max"): [
        "(哪个|哪些)(单位|区县)的Ⓢ(支出|)最(多|高|大)" + _Q,
        "Ⓢ(支出|)最(多|高|大)的(单位|区县|是哪个)" + _Q,
    ],
    ("subject_across_units", "min"): [
        "(哪个|哪些)(单位|区县)的Ⓢ(支出|)最(少|低|小)" + _Q,
        "Ⓢ(支出|)最(少|低|小)的(单位|区县|是哪个)" + _Q,
    ],
    ("subject_across_units", "sum"): [
        "(各单位|所有单位)的Ⓢ(支出|)(一共|总共|合计|加起来)(是|)多少" + _Q,
    ],
    ("unit_subjects", "list"): [
        "Ⓤ(Ⓨ|)(的|)(功能分类|经济分类|部门经济分类|政府经济分类|分科目|按科目)(的|)(支出|)(明细|构成|情况|是怎样的|)" + _Q,
        "Ⓤ(Ⓨ|)(的|)(支出|预算)(按科目|分科目|的科目)(明细|构成|分布)" + _Q,
        "Ⓤ(Ⓨ|)各(科目|功能科目|经济科目)(的|)(支出|金额)(是多少|分别多少|)" + _Q,
    ],
    ("program_across_units", "list"): [
        "Ⓖ(在|)(哪些|哪几个)(区县|单位|地方)(有预算|有|安排了)(，|,|)(各|分别)?(多少|是多少)?" + _Q,
        "(哪些|哪几个)(区县|单位)(有|安排了)Ⓖ(补助|资金|项目|)(，|,|)(金额|各)?(多少|)" + _Q,
        "(各地|各区县|各单位)(的|)Ⓖ(补助|资金|经费|项目|)(对比|比较|分别多少|各多少|多少钱|是多少)" + _Q,
        "Ⓖ(补助|资金|经费|)(各区县|各单位|各地)(多少钱|多少|分别是多少)" + _Q,
        "Ⓖ(补助|资金|经费|项目|)" + _Q,
        "Ⓖ(相关的|类|)项目(有哪些|在哪些单位)" + _Q,
        "Ⓤ(有没有|有无|是否有)Ⓖ(补助|资金|项目|)" + _Q,
    ],
    ("program_across_units", "sum"): [
        "Ⓖ(补助|资金|经费|项目|)(一共|总共|合计|加起来)(多少钱|多少|是多少)" + _Q,
        "(所有|各)(单位|区县)的Ⓖ(补助|资金|)(一共|合计|加起来)多少" + _Q,
    ],
    ("program_across_units", "count"): [
        "(有几个|多少个)(单位|区县)(有|安排了)Ⓖ(补助|资金|项目|)" + _Q,
    ],
    ("program_across_units", "max"): [
        "Ⓖ(补助|资金|)(哪个|哪些)(单位|区县)最(多|高)" + _Q,
        "(哪个|哪些)(单位|区县)的Ⓖ(补助|资金|)最(多|高)" + _Q,
    ],
    ("program_across_units", "min"): [
        "Ⓖ(补助|资金|)(哪个|哪些)(单位|区县)最(少|低)" + _Q,
    ],
    ("project_indicators", "list"): [
        "(Ⓤ|)Ⓟ(有|设了|设置了|包括)(哪些|什么)(绩效指标|指标|绩效目标|考核指标)" + _Q,
        "(Ⓤ|)Ⓟ的(绩效指标|指标|绩效目标|指标值|考核指标)" + _LIST + "(是什么|)" + _Q,
        "(Ⓤ|)Ⓟ(怎么|如何)(考核|评价)" + _Q,
        "(它|这个项目|该项目)的(绩效指标|指标|绩效目标)(有哪些|是什么|)" + _Q,
        "(它|这个项目|该项目)(有|设了)(哪些|什么)(绩效指标|指标)" + _Q,
    ],
    ("project_indicators", "count"): [
        "Ⓟ(有|设了)(几个|多少个)(绩效指标|指标)" + _Q,
    ],
    ("projects_by_indicator", "list"): [
        "(哪些|什么)项目(设了|设置了|有|包含|用了|考核)Ⓝ(指标|)" + _Q,
        "(设了|设置了|有|包含)Ⓝ(指标|)的项目" + _LIST + _Q,
        "Ⓝ(指标|)(用在|出现在)(哪些|什么)项目" + _Q,
        "(哪些|什么)项目的(指标|绩效指标)(里有|包括|涉及)Ⓝ" + _Q,
        "(考核|评价)Ⓝ的项目" + _LIST + _Q,
        "Ⓝ" + _Q,
    ],
    ("projects_by_indicator", "count"): [
        "(有几个|多少个)项目(设了|有|考核)Ⓝ(指标|)" + _Q,
    ],
    ("projects_by_indicator_type", "list"): [
        "(哪些|什么)项目(设了|设置了|有|包含|用了)Ⓣ" + _Q,
        "(设了|设置了|有|包含)Ⓣ的项目" + _LIST + _Q,
        "Ⓣ(用在|出现在)(哪些|什么)项目" + _Q,
        "(哪些|什么)项目的(指标|绩效指标)(里有|包括)Ⓣ" + _Q,
        "Ⓤ(的|)(哪些|什么)项目(设了|有)Ⓣ" + _Q,
    ],
    ("projects_by_indicator_type", "count"): [
        "(有几个|多少个)项目(设了|有)Ⓣ" + _Q,
    ],
    ("projects_by_topic", "list"): [
        "(有哪些|哪些是|列出)(关于|涉及|有关|针对)Ⓚ的(项目|支出|资金)" + _Q,
        "(关于|涉及|有关|针对)Ⓚ的(项目|支出|资金)" + _LIST + _Q,
        "(和|与|跟)Ⓚ(有关|相关)的项目" + _LIST + _Q,
        "Ⓚ(相关|有关)的项目" + _LIST + _Q,
        "Ⓤ(有没有|有无|是否有)(关于|涉及|)Ⓚ(的项目|项目|)" + _Q,
        "(哪些|哪个)(单位|区县)(有|安排了)(关于|)Ⓚ(的项目|项目|)" + _Q,
        "Ⓚ" + _Q,
    ],
    ("projects_by_topic", "sum"): [
        "(关于|涉及|有关)Ⓚ的项目(一共|总共|合计|加起来)(多少钱|多少)" + _Q,
    ],
    ("projects_by_topic", "count"): [
        "(关于|涉及|有关)Ⓚ的项目有(几个|多少个)" + _Q,
    ],
    ("project_detail", "lookup"): [
        "(Ⓤ|)Ⓟ(是多少|多少钱|有多少|安排了多少|预算多少|金额多少|多少|的金额|的预算|)" + _Q,
        "(Ⓤ|)Ⓟ(的|)(金额|预算|资金|预算金额)(是多少|有多少|多少|)" + _Q,
        "Ⓟ(Ⓤ|)(是多少|多少|多少钱)" + _Q,
        "Ⓟ(是什么项目|是什么|是哪个单位的|属于哪个项目群|属于哪个单位)" + _Q,
        "(它|这个项目|该项目)(是多少|多少钱|的金额是多少|的预算是多少)" + _Q,
    ],
    ("list_units", "list"): [
        "(有哪些|有几个|有多少个|一共有几个|收录了哪些|包括哪些|都有哪些)(单位|部门|区县)" + _Q,
        "(知识库|库里|数据库)(里|中|)(有|收录了)(哪些|几个|多少)(单位|文件|预算)" + _Q,
        "(列出|看看)(所有|全部)(单位|部门)",
        "(所有|全部)单位" + _LIST + _Q,
    ],
    ("list_units", "count"): [
        "(有几个|有多少个|一共有几个|共有几个)(单位|部门)" + _Q,
    ],
}
# Follow-ups that operate on the previous answer's rows (no name of their own): the operation is learned too.
FOLLOW_UPS: dict[str, list[str]] = {
    "max": ["(其中|这些里|这里面|里面|这些项目中|上面)(金额|预算|钱)?最(大|多|高)的(是哪个|是什么|是|)" + _Q,
            "(哪个|哪一个)最(多|大|高)" + _Q, "最(大|多|高)的(是哪个|呢)" + _Q],
    "min": ["(其中|这些里|这里面|里面|这些项目中|上面)(金额|预算|钱)?最(小|少|低)的(是哪个|是什么|是|)" + _Q,
            "(哪个|哪一个)最(少|小|低)" + _Q, "最(小|少|低)的(是哪个|呢)" + _Q],
    "sum": ["(这些|这些项目|它们|上面这些|以上)(一共|总共|合计|加起来|共)(多少钱|多少|是多少)" + _Q,
            "(总共|一共|合计)(多少|多少钱)" + _Q, "(加起来|合计)呢" + _Q],
    "count": ["(这些|上面|以上|其中)(一共|总共|)(有|是)(几个|多少个)(项目|)" + _Q, "(几个|多少个)(项目|)呢" + _Q],
}
_MAX_PER_PATTERN = 60


def expand(pattern: str, rng: random.Random, limit: int = _MAX_PER_PATTERN) -> list[str]:
    """The wordings of ``pattern`` (alternatives ``(a|b|)``, ``{F}`` budget-figure words), at most ``limit``."""
    pattern = re.sub(r"\(([^()]*)\)\?", r"(\1|)", pattern)  # "(a|b)?" = optional
    parts: list[list[str]] = []
    for piece in re.split(r"(\([^()]*\)|\{F\})", pattern):
        if not piece:
            continue
        if piece == "{F}":
            parts.append(list(FIELD_WORDS))
        elif piece.startswith("(") and piece.endswith(")") and "|" in piece:
            parts.append(piece[1:-1].split("|"))
        else:
            parts.append([piece])
    total = 1
    for options in parts:
        total *= len(options)
    if total <= limit:
        return ["".join(words) for words in itertools.product(*parts)]
    return list(dict.fromkeys("".join(rng.choice(options) for options in parts) for _ in range(limit)))


def generate(seed: int = 7) -> list[tuple[str, str, str]]:
    """Every training wording as (masked text, intent, operation); follow-ups have intent "follow_up"."""
    rng = random.Random(seed)
    data = []
    for (intent, operation), patterns in PATTERNS.items():
        for pattern in patterns:
            data += [(text, intent, operation) for text in expand(pattern, rng)]
    for operation, patterns in FOLLOW_UPS.items():
        for pattern in patterns:
            data += [(text, "follow_up", operation) for text in expand(pattern, rng)]
    return data


def fingerprint() -> str:
    """A hash of the patterns: the trained model records it, and is retrained when it differs."""
    text = repr(sorted(PATTERNS.items())) + repr(sorted(FOLLOW_UPS.items())) + repr(FIELD_WORDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


__all__ = ["FIELD_WORDS", "FOLLOW_UPS", "PATTERNS", "expand", "fingerprint", "generate"]
