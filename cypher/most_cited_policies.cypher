// name: most_cited_policies
// description: 被引用次数最多的文件（按引用单位数、项目数排序），及涉及金额
// params: (none)
// examples: 被引用次数最多的文件有哪些？ | 哪个文件被引用得最多？ | 引用最多的文号是哪些？ | 最常被项目引用的政策文件排名
// keywords: 最多 | 次数最多 | 最常 | 排名 | 前几 | 引用最多
// precompute: yes
MATCH (u:Unit)-[:RUNS]->(p:Project)-[:CITES]->(d:PolicyDocument)
WITH d, count(DISTINCT u) AS unit_count, count(DISTINCT p) AS project_count
ORDER BY unit_count DESC, project_count DESC, d.doc_no
LIMIT 10
MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d)
WITH DISTINCT d, unit_count, project_count, u, p, c
WITH d, unit_count, project_count, collect(DISTINCT u.name) AS units,
     collect({unit: u.name, project: p.name, amount: p.amount, role: c.role, file: p.file, line: p.line}) AS sources
RETURN d.doc_no AS doc_no, d.title AS title, unit_count, project_count, units, sources
ORDER BY unit_count DESC, project_count DESC, doc_no
