"""The forms people type for names the graph holds: a 文件 title's fragments, an issuer's short names and every
place of China with its short form. Read by the question gazetteer (``kb.query.gazetteer``) when it files names.
"""

from __future__ import annotations

import re

from kb.core.normalize import match_key
from kb.core.places import PLACE_SUFFIXES, adcode_table

# Issuer name short forms people type: 人力资源和社会保障局 is 人社局 …
_ISSUER_SHORT = (("人力资源和社会保障局", "人社局"), ("人民政府办公厅", "政府办公厅"), ("人民政府办公室", "政府办"),
                 ("国有资产监督管理委员会", "国资委"), ("社会保险局", "社保局"), ("教育委员会", "教委"),
                 ("卫生和计划生育委员会", "卫计委"), ("农业委员会", "农委"), ("交通委员会", "交委"),
                 ("文化委员会", "文委"))

def title_forms(title: str) -> list[str]:
    """A 文件 title and the fragments people type: without 《》, without its issuer and 关于, without 印发/转发,
    without 的通知, and the document it issues without its place (重庆市, 重庆市綦江区).

    Example:
        >>> title_forms("重庆市财政局关于下达补助资金的通知")
        ['重庆市财政局关于下达补助资金的通知', '下达补助资金的通知', '下达补助资金']
    """
    title = title.strip().strip("《》")
    forms = [title]
    cut = re.sub(r"^.*?关于", "", title)
    issued = re.sub(r"^(?:印发|转发)[〈《]?", "", cut)
    for form in (cut, issued):
        core = re.sub(r"[〉》]?(?:及其[^的]*)?的(?:通知|意见|实施意见|办法|批复|决定|函)$", "", form)
        forms += [form, core, re.sub(r"^(?:重庆市|四川省)(?:[\u4e00-\u9fff]{1,4}?[区县])?", "", core)]
    return [form for form in dict.fromkeys(forms) if len(form) >= 6]


def issuer_forms(name: str) -> list[str]:
    """An issuer's full name and the forms people type (without 重庆市/中共, 人社局 for 人力资源和社会保障局 …).

    Example:
        >>> issuer_forms("重庆市人力资源和社会保障局")[:3]
        ['重庆市人力资源和社会保障局', '人力资源和社会保障局', '重庆市人社局']
    """
    if not name:
        return []
    forms = [name]
    for part in re.split(r"[、,，]", name):
        forms.append(part)
        bare = re.sub(r"^(?:中共)?(?:重庆市|四川省)?", "", part)
        forms.append(bare)
        for full, short in _ISSUER_SHORT:
            if full in part:
                forms += [part.replace(full, short), bare.replace(full, short)]
    return [form for form in dict.fromkeys(forms) if len(form) >= 4 or form.endswith("局")]


def place_forms() -> dict[str, str]:
    """Every place name of China's administrative divisions (provinces, cities, districts and counties, from
    ``kb.core.places.adcode_table``: the adcodes table the ``cpca`` package ships) and the short forms people type,
    as match keys -> full name.

    Short forms drop the suffix (成都市 -> 成都, 四川省 -> 四川) for provinces and prefecture-level cities
    everywhere, and for the districts and counties of 重庆 and 四川 (the corpus' provinces: 万州区 -> 万州).
    Names of two characters ending in 区 (城区, 郊区, 矿区), or in 县 outside 重庆/四川 (费县 in 经费县级), are left out:
    they are parts of ordinary words too.
    Returns {} when the table cannot be found (the guard then relies on unit-shaped words alone).
    """
    forms: dict[str, str] = {}
    for code, name in adcode_table():
        local = code[:2] in ("50", "51")
        if (len(name) == 2 and name.endswith("区")) or (len(name) == 2 and name.endswith("县") and not local):
            continue
        forms.setdefault(match_key(name), name)
        upper = code[4:6] == "00" or local  # a province or city, or in 重庆/四川
        suffix = next((s for s in PLACE_SUFFIXES if name.endswith(s)), "")
        core = name[:-len(suffix)] if suffix else name
        if upper and suffix and len(core) >= 2:
            forms.setdefault(match_key(core), name)
    return forms


__all__ = ["issuer_forms", "place_forms", "title_forms"]
