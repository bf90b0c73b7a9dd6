"""What a synthetic disclosure says: units, program families, 文号 pool, amounts, planted contradictions.

Everything is drawn from one ``random.Random(seed)``, so a seed always gives the same corpus. Amounts
are kept in integer cents (0.01 万元) while they are built, so every printed sum adds up exactly unless
a contradiction is planted on purpose. The record of one document is the EXTRACTION_SCHEMA.md shape
(``kb.core.records.Extraction`` fields), holding the figures as they are printed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CHONGQING = ["荣昌区", "綦江区", "永川区", "江津区", "合川区", "璧山区", "铜梁区", "大足区", "潼南区", "南川区",
             "万州区", "涪陵区", "黔江区", "长寿区", "开州区", "梁平区", "武隆区", "巴南区", "北碚区", "渝北区",
             "沙坪坝区", "九龙坡区", "南岸区", "江北区", "大渡口区", "丰都县", "垫江县", "忠县", "云阳县", "奉节县",
             "巫山县", "巫溪县", "城口县", "彭水县", "秀山县", "酉阳县"]
SICHUAN = [("广元市", "苍溪县"), ("广元市", "旺苍县"), ("广元市", "剑阁县"), ("广元市", "青川县"), ("南充市", "阆中市"),
           ("南充市", "南部县"), ("绵阳市", "江油市"), ("绵阳市", "三台县"), ("达州市", "宣汉县"), ("达州市", "渠县"),
           ("巴中市", "通江县"), ("巴中市", "南江县"), ("遂宁市", "射洪市"), ("内江市", "资中县"), ("宜宾市", "江安县"),
           ("泸州市", "合江县"), ("德阳市", "中江县"), ("眉山市", "仁寿县"), ("乐山市", "夹江县"), ("自贡市", "荣县"),
           ("广安市", "邻水县"), ("雅安市", "荥经县")]
UNIT_KINDS = ["社会保险事务中心", "就业和人才服务中心", "人力资源和社会保障局", "劳动人事争议仲裁院", "医疗保障事务中心",
              "退役军人服务中心", "人力资源市场服务中心", "职业技能鉴定中心", "劳动保障监察支队", "农民工服务中心"]
YEARS = list(range(2019, 2027))


@dataclass(frozen=True)
class Family:
    """A program family: like projects across units, founded on a shared pool of 文号.

    Attributes:
        key: program id in the truth file, e.g. "military_cadre_allowance".
        label: its Chinese name, e.g. 军转干部补助.
        names: project name templates ({place} is the district's short name).
        refs: (doc_no, title) pairs the family's projects cite (canonical 文号).
        subject: the 功能分类 项 code its money is filed under.
        indicators: (level1, level2, name, op, value, unit) rows.
        cents: (low, high) amount range in 0.01 万元.
        group: who it pays, as an overview names them (bundles name several), or None.
        kind: "family" (a program), "near_miss" (a program whose template and one 文号 other near-miss
            families share) or "running_cost" (the cost of paying others, its own program).
    """

    key: str
    label: str
    names: tuple[str, ...]
    refs: tuple[tuple[str, str], ...]
    subject: str
    indicators: tuple[tuple[str, str, str, str, str, str], ...]
    cents: tuple[int, int]
    group: str | None = None
    kind: str = "family"


FAMILIES = (
    Family("military_cadre_allowance", "军转干部补助",
           ("{place}企业军转干部生活补助及医疗补助", "代发企业退休军转干解困补助资金", "{place}军转干部生活困难补助"),
           (("渝委办发〔2003〕167号", "关于进一步做好部分企业军队转业干部解困和稳定工作的通知"),
            ("渝人社〔2017〕225号", "关于调整企业军转干部生活补助标准的通知"),
            ("渝人社发〔2012〕151号", "关于公布2012年部分企业军转干部生活困难补助标准的通知")),
           "2080905", (("产出指标", "时效指标", "按时足额发放率", "≥", "99", "%"),
                       ("产出指标", "数量指标", "补助人数", "≥", "150", "人"),
                       ("满意度指标", "服务对象满意度指标", "军转干部满意度", "≥", "95", "%")), (3000, 120000),
           group="企业军转干部"),
    Family("private_teacher_allowance", "民办教师补助",
           ("{place}民师生活医疗补助", "代发民办教师养老和医疗补助资金", "{place}原民办教师生活补助"),
           (("渝社险发〔2013〕38号", "关于原民办教师养老和医疗补助有关问题的通知"),
            ("渝教人〔2013〕13号", "关于解决原民办教师养老和医疗问题的实施意见"),
            ("渝财社〔2013〕312号", "关于原民办教师补助资金管理的通知")),
           "2080109", (("产出指标", "数量指标", "发放人数", "≥", "300", "人"),
                       ("效益指标", "社会效益指标", "补助按时发放率", "=", "100", "%"),
                       ("满意度指标", "服务对象满意度指标", "民办教师满意度", "≥", "90", "%")), (5000, 30000),
           group="原民办教师"),
    Family("archive_management", "档案管理",
           ("社会保险档案管理服务专项", "{place}社保档案数字化管理", "档案规范化管理经费"),
           (("渝人社发〔2016〕132号", "关于加强社会保险业务档案管理工作的通知"),
            ("渝档发〔2019〕6号", "关于推进档案数字化工作的意见")),
           "2080109", (("产出指标", "数量指标", "档案整理卷数", "≥", "20000", "卷"),
                       ("产出指标", "质量指标", "档案完好率", "≥", "98", "%"),
                       ("满意度指标", "服务对象满意度指标", "查档群众满意度", "≥", "90", "%")), (1000, 8000)),
    Family("information_systems", "信息化建设",
           ("信息化升级专项", "{place}社保信息系统运维", "金保工程信息化建设经费"),
           (("渝府办发〔2017〕84号", "关于加快推进人社信息化建设的意见"),
            ("人社部发〔2016〕105号", "关于印发人力资源和社会保障信息化建设规划的通知")),
           "2080109", (("产出指标", "数量指标", "系统运行天数", "≥", "360", "天"),
                       ("产出指标", "质量指标", "系统故障率", "≤", "1", "%"),
                       ("效益指标", "社会效益指标", "业务网上办理率", "≥", "80", "%")), (500, 6000)),
    Family("fishermen_pension_subsidy", "退捕渔民养老保险补贴",
           ("{place}退捕渔民养老保险补贴", "长江流域退捕渔民参保补贴"),
           (("渝人社发〔2020〕126号", "关于做好长江流域退捕渔民参加养老保险相关工作的通知"),),
           "2080109", (("产出指标", "数量指标", "补贴人数", "≥", "100", "人"),
                       ("效益指标", "社会效益指标", "应保尽保率", "=", "100", "%")), (800, 4000),
           group="退捕渔民"),
    Family("retiree_social_management", "退休人员社会化管理",
           ("国有企业退休人员社会化管理", "{place}国有企业退休人员社会管理服务"),
           (("渝府办发〔2017〕84号", "关于加快推进人社信息化建设的意见"),
            ("渝委办发〔2019〕66号", "关于推进国有企业退休人员社会化管理工作的实施意见")),
           "2080109", (("产出指标", "数量指标", "移交退休人员数", "≥", "2000", "人"),
                       ("满意度指标", "服务对象满意度指标", "退休人员满意度", "≥", "90", "%")), (4000, 25000)),
    Family("rural_doctor_allowance", "乡村医生补助",
           ("代发乡村医生享受养老和医疗补助资金", "{place}离岗乡村医生补助"),
           (("渝卫基层发〔2016〕85号", "关于离岗乡村医生养老和医疗补助的通知"),),
           "2080109", (("产出指标", "数量指标", "补助人数", "≥", "200", "人"),
                       ("效益指标", "经济效益指标", "代发补助资金", "≥", "200", "万元")), (5000, 30000),
           group="离岗乡村医生"),
    Family("vocational_teacher_allowance", "职教幼教退休教师补助",
           ("国有企业职教幼教专项补助", "代发国有企业职教幼教退休教师生活补助资金"),
           (("渝国资发〔2011〕9号", "关于妥善解决国有企业职教幼教退休教师待遇问题的通知"),),
           "2080109", (("产出指标", "数量指标", "每月发放人数", "≥", "50", "人"),
                       ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%")), (800, 9000)),
)
CATEGORIES = ("重点专项", "一般性项目", "底线民生")
PLANT_KINDS = ("project_total", "split_sum", "summary_tables", "narrative_figure", "project_count",
               "yuan_amounts", "foreign_unit")


@dataclass
class Unit:
    """A synthetic budget unit: name, code and place."""

    name: str
    code: str
    province: str
    region: str
    place: str  # short district name used in project names, e.g. 荣昌区


@dataclass
class SynthDocument:
    """One synthetic disclosure before rendering: its record (schema shape), memberships and plants."""

    file: str
    layout: str  # "tabs" (001-like) or "cells" (000-like)
    unit: Unit
    year: int
    record: dict
    families: list[str] = field(default_factory=list)  # program key of each project, in order
    plant: dict | None = None  # {"kind", "detail"} of the planted contradiction, if any
    printed: dict = field(default_factory=dict)  # figures printed where they differ from the record


def all_units(rng: random.Random) -> list[Unit]:
    """Every unit the generator can use, each with a stable six-digit code, in a seeded order."""
    places = [("重庆市", "重庆市", district) for district in CHONGQING]  # 重庆市荣昌区…
    places += [("四川省", city, county) for city, county in SICHUAN]  # 广元市苍溪县… (the city printed too)
    units = []
    for province, city, place in places:
        region = f"{city}{place}" if province == city else f"{province}{city}{place}"
        for kind in UNIT_KINDS:
            units.append(Unit(name=f"{city}{place}{kind}", code=f"{rng.randrange(100000, 999999)}",
                              province=province, region=region, place=place))
    rng.shuffle(units)
    return units


def split_cents(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split ``total`` cents into ``parts`` positive integers that add up exactly."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def money(cents: int) -> float:
    """Cents of 万元 -> 万元 as a float with two decimals."""
    return round(cents / 100, 2)
