// name: projects_by_indicator_type
// description: 设了某类绩效指标（一级或二级类别，如 时效指标、满意度指标）的项目及其指标
// params: level (indicator type as stored in Indicator.level1 or level2, e.g. 时效指标)
// examples: 哪些项目设了时效指标？ | 设置了满意度指标的项目有哪些？ | 哪些项目有成本指标？
MATCH (u:Unit)-[:RUNS]->(p:Project)-[t:HAS_TARGET]->(i:Indicator)
WHERE i.level1 = $level OR i.level2 = $level
RETURN u.name AS unit, p.year AS year, p.name AS project, p.amount AS amount, p.line AS amount_line,
       i.level2 AS level, i.name AS indicator, t.op AS op, t.value AS target, t.unit AS measure_unit,
       p.file AS file, t.line AS line
ORDER BY unit, project, line
