// name: co_cited_policies
// description: 与某文件（文号）一起被同一项目引用的其他文件
// params: doc_no (canonical 文号)
// examples: 和渝府办发〔2017〕84号一起被引用的文件有哪些？ | 与渝人社发〔2016〕132号同时引用的文号有哪些？ | 渝委办发〔2019〕66号常和哪些文件一起出现？ | 跟渝农发〔2014〕295号共同引用的文件
// keywords: 一起 | 同时 | 共同 | 搭配 | 一同 | 常和 | 跟 | 与
MATCH (p:Project)-[:CITES]->(d:PolicyDocument {doc_no: $doc_no})
MATCH (u:Unit)-[:RUNS]->(p)-[c:CITES]->(o:PolicyDocument)
WHERE o.doc_no <> d.doc_no
WITH o, count(DISTINCT p) AS project_count, collect(DISTINCT u.name) AS units,
     collect({unit: u.name, project: p.name, amount: p.amount, role: c.role, file: p.file, line: p.line, doc_no_line: c.line}) AS sources
RETURN o.doc_no AS doc_no, o.title AS title, project_count, units, sources
ORDER BY project_count DESC, doc_no
