// name: policies_of_unit
// description: 某单位的项目引用了哪些文件（文号、标题、引用项目与金额）
// params: unit (full unit name); year: int = 0 (budget year; 0 = every year)
// examples: 荣昌区社会保险事务中心引用了哪些文件？ | 綦江区的项目依据哪些文件？ | 苍溪县社保中心引用的文号有哪些？
MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d:PolicyDocument)
WHERE u.name = $unit AND ($year = 0 OR p.year = $year)
RETURN d.doc_no AS doc_no, d.title AS title, u.name AS unit, p.year AS year, p.name AS project, p.amount AS amount,
       c.role AS role, p.file AS file, p.line AS line, c.line AS doc_no_line
ORDER BY doc_no, project
