"""Program families of the synthetic corpus that linking's vocabulary does not know (what another province meets).

``linking/data/beneficiary_groups.csv`` and ``program_topics.csv`` name none of these, so linking must
find them from the data. They are built to be hard in the ways real disclosures are:

- near-miss groups: 水利员, 畜牧兽医员 and 文化专干 are paid under one template and all cite
  渝农发〔2016〕88号, each also citing its own implementing 文号;
- 文号 shared across families: 渝财社〔2019〕88号 (the 就业补助资金 rules) is cited by 公益性岗位, 就业见习
  and 职业技能培训;
- running costs: 代发管理工作经费 projects pay for administering others' payments and name the groups
  they pay in their overview (they are a family of their own, not members of those groups' programs);
- bundles (``BUNDLE_NAMES``): one project paying two or three groups at once, named in its overview and
  indicators; the truth lists the families it pays.
"""

from __future__ import annotations

from kb.synth.content import Family

_PAID = (("产出指标", "数量指标", "每月发放人数", "≥", "50", "人"),
         ("产出指标", "时效指标", "按时足额发放率", "=", "100", "%"),
         ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%"))
_SEVEN_STATIONS = ("渝农发〔2016〕88号", "关于原乡镇七站八所人员养老和医疗补助的通知")
_EMPLOYMENT_FUND = ("渝财社〔2019〕88号", "关于印发重庆市就业补助资金管理办法的通知")

OUTSIDE_FAMILIES = (
    Family("elderly_allowance", "高龄津贴",
           ("{place}高龄老人津贴", "代发八十周岁以上高龄津贴资金", "高龄老年人生活补贴"),
           (("渝民发〔2018〕21号", "关于建立高龄津贴制度的通知"), ("渝财社〔2018〕97号", "关于高龄津贴资金管理的通知")),
           "2081002", (("产出指标", "数量指标", "高龄津贴发放人数", "≥", "800", "人"),
                       ("效益指标", "社会效益指标", "高龄老人生活改善率", "≥", "90", "%")), (2000, 40000),
           group="高龄老人"),
    Family("public_welfare_posts", "公益性岗位补贴",
           ("{place}公益性岗位补贴", "就业困难人员公益性岗位补贴资金", "公益性岗位社会保险补贴"),
           (("渝人社发〔2019〕60号", "关于进一步加强公益性岗位开发管理的通知"), _EMPLOYMENT_FUND),
           "2080799", (("产出指标", "数量指标", "公益性岗位安置人数", "≥", "100", "人"),
                       ("效益指标", "社会效益指标", "就业困难人员就业率", "≥", "90", "%")), (3000, 50000),
           group="公益性岗位"),
    Family("graduate_internship", "就业见习补贴",
           ("{place}高校毕业生就业见习补贴", "就业见习基地补助资金", "青年就业见习补贴"),
           (("渝人社发〔2020〕88号", "关于做好高校毕业生就业见习工作的通知"), _EMPLOYMENT_FUND),
           "2080799", (("产出指标", "数量指标", "见习人数", "≥", "60", "人"),
                       ("效益指标", "社会效益指标", "见习留用率", "≥", "30", "%")), (500, 8000),
           group="就业见习"),
    Family("startup_loan_interest", "创业担保贷款贴息",
           ("创业担保贷款贴息资金", "{place}创业担保贷款贴息", "小微企业创业担保贷款贴息补助"),
           (("渝财金〔2020〕12号", "关于印发创业担保贷款贴息资金管理办法的通知"),),
           "2080799", (("产出指标", "数量指标", "贴息贷款笔数", "≥", "40", "笔"),
                       ("效益指标", "经济效益指标", "带动就业人数", "≥", "120", "人")), (1000, 20000),
           group="创业担保"),
    Family("labour_arbitration", "劳动人事争议仲裁",
           ("劳动人事争议仲裁办案经费", "{place}劳动仲裁案件处理专项", "仲裁院办案补助"),
           (("人社部发〔2017〕26号", "关于进一步加强劳动人事争议调解仲裁完善多元处理机制的意见"),),
           "2080199", (("产出指标", "数量指标", "结案数", "≥", "300", "件"),
                       ("产出指标", "时效指标", "按期结案率", "≥", "95", "%")), (300, 3000)),
    Family("work_injury_prevention", "工伤预防",
           ("工伤预防宣传培训专项", "{place}工伤预防项目", "工伤预防费使用"),
           (("渝人社发〔2021〕5号", "关于印发工伤预防费使用管理办法的通知"),),
           "2080109", (("产出指标", "数量指标", "培训企业数", "≥", "50", "家"),
                       ("效益指标", "社会效益指标", "工伤事故发生率下降", "≥", "5", "%")), (500, 5000)),
    Family("migrant_wages", "农民工工资保障",
           ("根治欠薪农民工工资保障", "{place}农民工工资清欠专项", "保障农民工工资支付工作"),
           (("渝府办发〔2020〕31号", "关于贯彻落实保障农民工工资支付条例的实施意见"),),
           "2080199", (("产出指标", "数量指标", "清欠金额", "≥", "500", "万元"),
                       ("满意度指标", "服务对象满意度指标", "农民工满意度", "≥", "90", "%")), (500, 6000),
           group="农民工"),
    Family("skills_training", "职业技能培训补贴",
           ("职业技能提升培训补贴", "{place}职业技能培训补贴资金", "技能培训鉴定补助"),
           (("渝人社发〔2019〕92号", "关于印发职业技能提升行动实施方案的通知"), _EMPLOYMENT_FUND),
           "2080799", (("产出指标", "数量指标", "培训人数", "≥", "2000", "人"),
                       ("效益指标", "社会效益指标", "取证率", "≥", "80", "%")), (2000, 60000),
           group="技能培训"),
    Family("water_staff_allowance", "原水利员补助",
           ("代发原水利员养老和医疗补助资金", "{place}原乡镇水利员生活补助", "原水利员养老医疗补助"),
           (_SEVEN_STATIONS, ("渝水发〔2016〕40号", "关于原乡镇水利员养老和医疗补助的实施细则")),
           "2080109", _PAID, (500, 4000), group="水利员", kind="near_miss"),
    Family("veterinary_staff_allowance", "原畜牧兽医员补助",
           ("代发原畜牧兽医员养老和医疗补助资金", "{place}原乡镇兽医员生活补助", "原畜牧兽医员养老医疗补助"),
           (_SEVEN_STATIONS, ("渝农办〔2016〕71号", "关于原乡镇畜牧兽医员养老和医疗补助的实施细则")),
           "2080109", _PAID, (500, 4000), group="兽医员", kind="near_miss"),
    Family("culture_staff_allowance", "原文化专干补助",
           ("代发原文化专干养老和医疗补助资金", "{place}原乡镇文化专干生活补助", "原文化专干养老医疗补助"),
           (_SEVEN_STATIONS, ("渝文旅发〔2017〕15号", "关于原乡镇文化专干养老和医疗补助的实施细则")),
           "2080109", _PAID, (500, 4000), group="文化专干", kind="near_miss"),
    Family("payment_administration", "代发补助管理工作经费",
           ("社保待遇代发管理工作经费", "{place}代财政发放补助工作经费", "各类补助代发工作经费"),
           (("渝财社〔2016〕215号", "关于规范代发补助资金工作经费的通知"),),
           "2080109", (("产出指标", "数量指标", "代财政发放补助人次数", "≥", "5000", "人次"),
                       ("产出指标", "质量指标", "发放准确率", "=", "100", "%")), (300, 3000), kind="running_cost"),
)

BUNDLE_NAMES = ("{place}社保惠民服务专项", "各类民生补助合并发放专项", "{place}惠民补助资金")
