// name: projects_by_policy
// description: 某文件（文号）支持了哪些单位的哪些项目，金额多少（立项依据或文中提及）
// params: doc_no (canonical 文号, e.g. 渝委办发〔2019〕66号); role = "" (basis = 立项依据 only, mention = 文中提及 only; "" = both)
// examples: 渝委办发〔2019〕66号支持了哪些项目？ | 哪些项目的立项依据是渝人社发〔2016〕132号？ | 渝人社发〔2012〕219号支持了哪个项目？ | 引用渝府办发〔2017〕84号的项目有哪些，金额多少？ | 渝国资发〔2011〕9号资助了哪些单位？
// keywords: 支持 | 资助 | 立项依据是 | 依据是 | 引用 | 哪些项目 | 哪个项目 | 哪些单位
MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d:PolicyDocument {doc_no: $doc_no})
WHERE $role = '' OR c.role = $role
RETURN d.doc_no AS doc_no, d.title AS title, u.name AS unit, p.year AS year, p.name AS project,
       p.amount AS amount, c.role AS role, p.file AS file, p.line AS line, c.line AS doc_no_line
ORDER BY amount DESC, unit, project
