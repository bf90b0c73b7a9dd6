// name: semantic_passages
// description: 每个项目的名称、概述、立项依据、目标及所引文件标题（语义检索的段落）
// params: (none)
MATCH (u:Unit)-[:RUNS]->(p:Project)
OPTIONAL MATCH (p)-[:CITES]->(d:PolicyDocument)
WITH u, p, collect(d.title) AS titles, collect(d.doc_no) AS doc_nos
OPTIONAL MATCH (p)-[:PART_OF]->(g:Program)
RETURN p.project_id AS project_id, u.name AS unit, p.year AS year, p.name AS project, p.amount AS amount,
       p.overview AS overview, p.basis_text AS basis_text, p.goal AS goal, p.file AS file, p.line AS line,
       titles, doc_nos, collect(g.name) AS programs
ORDER BY project_id
