// name: projects_by_indicator
// description: 设了某类绩效指标（按指标名称或关键词，如满意度、冒领）的项目及其指标值
// params: indicator (indicator name or part of it, e.g. 服务对象满意度, 冒领)
// examples: 哪些项目设了服务对象满意度指标？ | 哪些项目有死亡冒领发生率指标，目标是多少？ | 有档案利用率指标的项目有哪些？ | 哪些项目考核政策知晓率？
// keywords: 设了 | 指标的项目 | 有哪些项目 | 哪些项目 | 考核 | 指标
MATCH (u:Unit)-[:RUNS]->(p:Project)-[t:HAS_TARGET]->(i:Indicator)
WHERE toLower(i.name) CONTAINS toLower($indicator)
RETURN u.name AS unit, p.year AS year, p.name AS project, p.amount AS amount, p.line AS amount_line, i.name AS indicator,
       t.op AS op, t.value AS target, t.unit AS measure_unit, p.file AS file, t.line AS line
ORDER BY unit, project, line
