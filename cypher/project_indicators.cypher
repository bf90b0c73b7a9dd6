// name: project_indicators
// description: 某项目的绩效指标（一级/二级/三级指标、指标性质、指标值、计量单位、权重）
// params: project (project name as stored); unit = "" (full unit name; "" = any unit)
// examples: 荣昌区社会保险档案管理服务专项有哪些绩效指标？ | 社保服务运维专项的绩效目标是什么？ | 代发企业退休军转干解困补助资金的指标值是多少？ | 信息化升级专项考核哪些指标？
// keywords: 绩效指标 | 指标 | 绩效目标 | 指标值 | 考核
MATCH (u:Unit)-[:RUNS]->(p:Project)-[t:HAS_TARGET]->(i:Indicator)
WHERE p.name = $project AND ($unit = '' OR u.name = $unit)
RETURN u.name AS unit, p.year AS year, p.name AS project, i.level1 AS level1, i.level2 AS level2,
       i.name AS indicator, t.op AS op, t.value AS target, t.unit AS measure_unit, t.weight AS weight,
       t.core AS core, p.file AS file, t.line AS line
ORDER BY unit, line
