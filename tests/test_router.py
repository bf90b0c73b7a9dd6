"""The router: names read from questions against the ingested corpus's vocabulary, and template choice."""

from __future__ import annotations

import pytest

from kb.query.mentions import read_mentions
from kb.query.frame import read_frame as route
from kb.query.templates import load_registry
from kb.query.vocabulary import derive_aliases

from corpus_units import CANGXI, GUANGYUAN, QIJIANG, RONGCHANG, WANSHENG


def test_derive_aliases_gives_the_short_forms():
    aliases = derive_aliases("重庆市万盛经济技术开发区社会保险事务中心", "重庆市万盛经济技术开发区")
    assert {"万盛", "万盛经开区", "万盛经开区社保中心", "万盛经济技术开发区社会保险事务中心"} <= set(aliases)
    assert {"苍溪", "苍溪县", "苍溪县社保中心"} <= set(derive_aliases("苍溪县社会保险事务中心", "四川省广元市苍溪县"))
    assert "广元" not in derive_aliases("苍溪县社会保险事务中心", "四川省广元市苍溪县")


@pytest.mark.parametrize("question", [
    "渝委办发〔2019〕66号支持了哪些项目？", "渝委辦發〔2019〕66號支持了哪些項目？", "渝委办发【2019】66号支持了哪些项目？",
    "渝委办发[2019]66号支持了哪些项目", "渝委办发（2019）66号支持了哪些项目？", "渝委办发 〔 2019 〕 66 号支持了哪些项目？",
    "渝委办发(2019)66号文资助了哪些单位的项目", "渝委办发［２０１９］６６号支持了哪些项目？",
])
def test_doc_no_in_any_bracket_spacing_or_script(vocab, question):
    mentions = read_mentions(question, vocab)
    assert mentions.doc_nos == ["渝委办发〔2019〕66号"]
    chosen = route(question, vocab)
    assert (chosen.template, chosen.params) == ("projects_by_policy", {"doc_no": "渝委办发〔2019〕66号"})


def test_doc_no_after_glued_words_resolves_to_the_known_one(vocab):
    mentions = read_mentions("哪些项目的立项依据是渝人社发〔2016〕132号？", vocab)
    assert mentions.doc_nos == ["渝人社发〔2016〕132号"]
    assert "立项依据" in mentions.masked


def test_unknown_doc_no_is_kept_apart(vocab):
    mentions = read_mentions("渝人社发〔2099〕1号支持了哪些项目？", vocab)
    assert mentions.doc_nos == [] and mentions.unknown_doc_nos == ["渝人社发〔2099〕1号"]


@pytest.mark.parametrize("text, unit", [
    ("荣昌", RONGCHANG), ("荣昌区", RONGCHANG), ("荣昌区社保中心", RONGCHANG), ("重庆市荣昌区社会保险事务中心", RONGCHANG),
    ("綦江", QIJIANG), ("綦江区社会保险事务中心", QIJIANG), ("万盛经开区", WANSHENG), ("万盛", WANSHENG),
    ("苍溪", CANGXI), ("苍溪县社保中心", CANGXI), ("广元", GUANGYUAN), ("广元市社会保险事务中心", GUANGYUAN),
])
def test_units_by_alias(vocab, text, unit):
    assert read_mentions(f"{text}有哪些项目？", vocab).units == [unit]
    assert route(f"{text}有哪些项目？", vocab).params["unit"] == unit


def test_years_subjects_and_budget_figures(vocab):
    mentions = read_mentions("荣昌区2026年行政运行支出是多少？", vocab)
    assert mentions.years == [2026] and mentions.units == [RONGCHANG]
    assert ("function", "2080101", "行政运行") in mentions.subjects
    by_code = read_mentions("2210201在各单位是多少？", vocab)
    assert [code for _, code, _ in by_code.subjects] == ["2210201"]
    assert read_mentions("綦江2023年收入总计多少", vocab).budget_field == "income_total"
    assert read_mentions("荣昌的项目支出", vocab).budget_field == "project_expense"


def test_indicator_names_and_words(vocab):
    assert read_mentions("哪些项目设了服务对象满意度指标？", vocab).indicators == ["服务对象满意度"]
    assert read_mentions("哪些项目有满意度指标？", vocab).indicator_types == ["满意度指标"]  # a level-1 type
    assert read_mentions("哪些项目的指标涉及冒领？", vocab).indicators == ["冒领"]


def test_project_names_exact_and_fuzzy(vocab):
    exact = read_mentions("綦江区代发企业退休军转干解困补助资金是多少？", vocab)
    assert exact.projects[0][:2] == ("代发企业退休军转干解困补助资金", QIJIANG)
    typo = read_mentions("代发企业退休军转干部解困补助资金是多少？", vocab)  # one character added
    assert typo.projects and typo.projects[0][0] == "代发企业退休军转干解困补助资金" and typo.projects[0][2] >= 88
    assert read_mentions("各单位的住房公积金支出是多少？", vocab).projects == []
    assert read_mentions("民办教师", vocab).projects == []  # a short word inside a long name is a topic
    partial = read_mentions("档案管理服务专项有哪些指标", vocab)
    assert partial.projects and partial.projects[0][0] == "社会保险档案管理服务专项"


def test_a_unit_inside_a_project_name_filters_that_project(vocab):
    chosen = route("荣昌区社会保险档案管理服务专项有哪些绩效指标？", vocab)
    assert chosen.template == "project_indicators"
    assert chosen.params == {"project": "社会保险档案管理服务专项", "unit": RONGCHANG}


@pytest.mark.parametrize("question, template, params", [
    ("荣昌2026年项目支出多少", "unit_budget", {"unit": RONGCHANG, "year": 2026}),
    ("广元基本支出", "unit_budget", {"unit": GUANGYUAN}),
    ("三公经费哪个单位最高？", "budget_ranking", {"field": "three_public"}),
    ("住房公积金各单位分别是多少？", "subject_across_units", {"subject": "住房公积金", "scheme": "function"}),
    ("綦江区社会保险事务中心的培训费是多少？", "subject_across_units", {"subject": "30216", "unit": QIJIANG}),
    ("哪个文件被引用最多？", "most_cited_policies", {}),
    ("渝府办发〔2017〕84号和哪些文件一起被引用？", "co_cited_policies", {"doc_no": "渝府办发〔2017〕84号"}),
    ("依据渝人社发〔2016〕132号立项的项目有哪些？", "projects_by_policy", {"doc_no": "渝人社发〔2016〕132号"}),
    ("关于乡村医生的项目有哪些？", "projects_by_topic", {"keyword": "乡村医生"}),
    ("渝人社发的文件支持了哪些项目？", "policies_by_issuer", {"issuer_code": "渝人社发"}),
    ("企业军转干部生活补助在各区县分别是多少？", "program_across_units", {"program": "企业军转干部生活补助"}),
    ("荣昌民师生活医疗补助的立项依据是什么？", "policies_of_project", {"project": "荣昌区民师生活医疗补助", "unit": RONGCHANG}),
    ("綦江区社会保险事务中心的经济分类支出明细", "unit_subjects", {"unit": QIJIANG, "scheme": "economic"}),
    ("哪个单位的收入最多", "budget_ranking", {"field": "income_total"}),
    ("各单位的总收入", "budget_ranking", {"field": "income_total"}),
    ("有几个单位", "list_units", {}),
    ("綦江社保中心2023年的收入合计", "unit_budget", {"unit": QIJIANG, "year": 2023}),
    ("民师生活医疗补助依据的文件", "policies_of_project", {"project": "荣昌区民师生活医疗补助"}),
    ("民办教师补助在哪些区县有预算，各多少？", "program_across_units", {"program": "原民办教师养老和医疗补助"}),
    ("军转干部补助各区县多少钱？", "program_across_units", {"program": "企业军转干部生活补助"}),
    ("各地驻村帮扶经费对比", "program_across_units", {"program": "驻村帮扶和乡村振兴"}),
    ("关于档案的项目有哪些", "projects_by_topic", {"keyword": "档案"}),
])
def test_other_wordings_route_to_the_right_template(vocab, question, template, params):
    chosen = route(question, vocab)
    assert (chosen.template, chosen.params) == (template, params)


@pytest.mark.parametrize("question, template, params", [
    ("渝人社发〔2016〕132号", "projects_by_policy", {"doc_no": "渝人社发〔2016〕132号"}),
    ("渝国资发〔2011〕9号是什么文件？", "projects_by_policy", {"doc_no": "渝国资发〔2011〕9号"}),
    ("社保惠民服务专项", "project_detail", {"project": "社保惠民服务专项"}),
    ("信息化建设", "subject_across_units", {"subject": "2080108"}),
    ("死亡冒领", "projects_by_indicator", {"indicator": "死亡冒领"}),
    ("哪些项目考核死亡冒领", "projects_by_indicator", {"indicator": "死亡冒领"}),
])
def test_a_question_that_only_names_something_gets_that_kinds_template(vocab, question, template, params):
    chosen = route(question, vocab)
    assert (chosen.template, chosen.params) == (template, params)


def test_a_full_unit_name_means_that_unit_and_a_shared_short_form_means_both():
    from kb.query.vocabulary import Unit, Vocabulary

    names = {"苍溪县社会保险事务中心": "四川省广元市苍溪县", "广元市苍溪县社会保险事务中心": "四川省广元市苍溪县"}
    vocab = Vocabulary()
    for name, region in names.items():
        vocab.units[name] = Unit(name, region, tuple(derive_aliases(name, region)))
        for alias in vocab.units[name].aliases:
            vocab.unit_aliases.setdefault(alias, []).append(name)
    assert read_mentions("苍溪县社会保险事务中心有哪些项目？", vocab).units == ["苍溪县社会保险事务中心"]
    assert sorted(read_mentions("苍溪有哪些项目？", vocab).units) == sorted(names)


def test_units_are_listed_in_order_of_appearance(vocab):
    assert read_mentions("荣昌区和綦江区的住房公积金分别是多少？", vocab).units == [RONGCHANG, QIJIANG]
    assert read_mentions("綦江和荣昌的三公经费", vocab).units == [QIJIANG, RONGCHANG]


def test_every_example_question_routes_back_to_its_template(vocab):
    wrong = []
    for template in load_registry():
        for example in template.examples:
            chosen = route(example, vocab)
            if chosen.template != template.name:
                wrong.append((example, template.name, chosen.template))
    assert not wrong


def test_no_template_for_a_question_without_names_it_needs(vocab):
    chosen = route("老师养老和医疗补助在哪些区县", vocab)  # names no unit, project, program, group or topic
    assert chosen.template is None


# ---- property: any printed form of a known 文号 reads as that 文号 ---------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kb.core.doc_no import split_doc_no  # noqa: E402

KNOWN_DOC_NOS = ["渝委办发〔2019〕66号", "渝人社发〔2016〕132号", "渝府办发〔2017〕84号", "綦委组〔2017〕88号", "渝财社〔2013〕312号"]
BRACKETS = [("〔", "〕"), ("【", "】"), ("[", "]"), ("［", "］"), ("(", ")"), ("（", "）")]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc_no=st.sampled_from(KNOWN_DOC_NOS), brackets=st.sampled_from(BRACKETS),
       spaces=st.lists(st.sampled_from(["", " ", "\u3000"]), min_size=4, max_size=4), full_width=st.booleans(),
       tail=st.sampled_from(["支持了哪些项目？", "支持了哪些項目", "资助了哪些单位的项目?", "号文支持了哪些项目"]))
def test_any_printed_form_of_a_known_doc_no_routes_to_it(vocab, doc_no, brackets, spaces, full_width, tail):
    issuer, year, number = split_doc_no(doc_no)
    digits = (lambda text: text.translate(FULL_WIDTH)) if full_width else (lambda text: text)
    printed = (f"{issuer}{spaces[0]}{brackets[0]}{spaces[1]}{digits(str(year))}{spaces[2]}{brackets[1]}"
               f"{spaces[3]}{digits(str(number))}号")
    question = printed + (tail[1:] if tail.startswith("号") else tail)
    chosen = route(question, vocab)
    assert chosen.mentions.doc_nos == [doc_no]
    assert (chosen.template, chosen.params) == ("projects_by_policy", {"doc_no": doc_no})


def test_semantic_passages_spell_out_the_beneficiary_groups_of_linking():
    """kb.query.semantic.expand reads linking/data/beneficiary_groups.csv (no second synonym list)."""
    from kb.query.semantic import expand

    assert expand("荣昌区民师生活医疗补助").split()[1:] == ["民办教师"]
    assert expand("代发企业退休军转干解困补助资金").split()[1:] == ["军转干部"]
    assert expand("代发民办教师养老和医疗补助资金").split()[1:] == []  # the full name needs no spelling out
    assert expand("社保惠民服务专项").split()[1:] == ["社会保险"]


def test_a_store_built_before_program_keywords_still_gives_program_names(store, corpus_dir):
    """Program.keywords came later: a LadybugDB store without that column reads names only, no error."""
    from kb.ingest import ingest_paths
    from kb.query.vocabulary import read_vocabulary

    ingest_paths(sorted(corpus_dir.glob("00[01]_*.txt")), store)  # 荣昌 and 綦江 both pay 民办教师
    assert read_vocabulary(store).program_keywords["民师"] == ["原民办教师养老和医疗补助"]
    store.write("ALTER TABLE Program DROP keywords", {}, name="drop Program.keywords (an older store)")
    older = read_vocabulary(store)
    assert "原民办教师养老和医疗补助" in older.programs and older.program_keywords == {}
