"""Projects that are not plain members of one beneficiary program: running costs and bundles.

- A **running cost** pays for administering payments to others (工作经费, 管理经费, 代管, 代…发放 in its
  name or indicators, e.g. 广元's 企保、机保代财政管理工作经费 with the indicator 代财政发放机保离退休人次数).
  It is never a member of the beneficiary program it administers; running costs may form their own
  program among themselves.
- A **bundle** pays several beneficiary groups at once: its overview, goal, 立项依据 or indicators name
  the groups (or the learned keywords) of two or more programs (万盛's 社保惠民服务专项 pays 复员军人,
  建国初期参工人员 and 军转干部 from one 641.87 万元). It is a ``bundle`` member of each of those programs,
  carrying no amount into their sums and rankings.
"""

from __future__ import annotations

import functools
import re

from kb.core.normalize import match_key
from linking.features import ProjectFeatures

_ON_BEHALF = re.compile(r"代|发放")
_RUNNING = re.compile(r"工作经费|管理|经办")
_RUNNING_INDICATOR = re.compile(r"代.{1,6}发放")


@functools.lru_cache(maxsize=1 << 16)
def is_running_cost(features: ProjectFeatures) -> bool:
    """True when a project pays the running cost of paying others, read from its name and indicator names.

    Its name says both that it pays on behalf of others (代, 发放) and that it is a running cost (工作经费,
    管理, 经办), or an indicator counts payments made on behalf of others (代财政发放…人次数).

    Example: 企保、机保代财政管理工作经费（原代管工作经费） -> True; 代发企业复员军人生活补助资金 -> False
    (代发 is how the benefit itself is paid); 县社保事务中心档案整理工作经费 -> False (the unit's own work).
    """
    key = match_key(features.name)
    if _ON_BEHALF.search(key) and _RUNNING.search(key):
        return True
    return any(_RUNNING_INDICATOR.search(name) for name in features.indicators)


@functools.lru_cache(maxsize=1 << 16)
def searchable_text(features: ProjectFeatures) -> str:
    """The match key of a project's overview, goal, 立项依据 and indicator names, where groups are named."""
    if features.searchable:
        return features.searchable
    return match_key(" ".join([features.text, *features.indicators]))


def named_keywords(features: ProjectFeatures, keywords: dict[str, tuple[str, ...]]) -> list[str]:
    """The programs (ids) any of whose keywords the project's text or indicators name, sorted.

    Args:
        features: the project.
        keywords: program id -> its keywords (match keys: vocabulary aliases or a learned keyword).
    """
    text = searchable_text(features)
    if not text:
        return []
    return sorted(program_id for program_id, words in keywords.items() if any(word and word in text for word in words))
