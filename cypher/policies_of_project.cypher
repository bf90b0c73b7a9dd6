// name: policies_of_project
// description: 某项目依据或引用了哪些文件（文号、标题、发文机关）
// params: project (project name as stored); unit = "" (full unit name; "" = any unit)
// examples: 荣昌区民师生活医疗补助依据哪些文件？ | 社会保险档案管理服务专项的立项依据是什么？ | 代发企业退休军转干解困补助资金引用了哪些文号？ | 信息化升级专项的政策依据有哪些？
// keywords: 依据 | 依据哪些 | 依据什么 | 立项依据是什么 | 政策依据 | 哪些文件 | 什么文件 | 哪些文号 | 引用了 | 依据的文件
MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d:PolicyDocument)
WHERE p.name = $project AND ($unit = '' OR u.name = $unit)
OPTIONAL MATCH (d)-[:ISSUED_BY]->(i:Issuer)
RETURN u.name AS unit, p.year AS year, p.name AS project, p.amount AS amount, d.doc_no AS doc_no,
       d.title AS title, c.role AS role, i.name AS issuer, p.file AS file, p.line AS line, c.line AS doc_no_line
ORDER BY role, doc_no
