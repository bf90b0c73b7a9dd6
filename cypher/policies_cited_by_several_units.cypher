// name: policies_cited_by_several_units
// description: 被不止一个单位引用的文件（可限定为某两个单位共同引用的），及引用它们的单位、项目和金额
// params: first_unit = "" (full unit name: only 文件 this unit cites too; "" = any); second_unit = "" (a second unit, the same)
// examples: 哪些文件被不止一个单位引用？ | 哪些文号被多个区县同时引用？ | 有没有几个单位共同引用的政策文件？ | 跨单位引用的文件有哪些？
// keywords: 不止一个单位 | 多个单位 | 多个区县 | 跨单位 | 共同引用 | 都引用
// precompute: yes
MATCH (a:Unit)-[:RUNS]->(:Project)-[:CITES]->(d:PolicyDocument)
WHERE $first_unit = '' OR a.name = $first_unit
WITH DISTINCT d
MATCH (b:Unit)-[:RUNS]->(:Project)-[:CITES]->(d)
WHERE $second_unit = '' OR b.name = $second_unit
WITH DISTINCT d
MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d)
WITH DISTINCT d, u, p, c
WITH d, count(DISTINCT u) AS unit_count, count(DISTINCT p) AS project_count, collect(DISTINCT u.name) AS units,
     collect({unit: u.name, project: p.name, amount: p.amount, role: c.role, file: p.file, line: p.line}) AS sources
WHERE unit_count > 1
RETURN d.doc_no AS doc_no, d.title AS title, unit_count, project_count, units, sources
ORDER BY unit_count DESC, project_count DESC, doc_no
