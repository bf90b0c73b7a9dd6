// name: policies_by_issuer
// description: 某发文机关（发文机关代字）发了哪些被引用的文件，支持了哪些项目、多少钱
// params: issuer_code (发文机关代字, e.g. 渝人社发)
// examples: 渝人社发的文件支持了哪些项目？ | 渝委办发发过哪些文件，涉及多少钱？ | 渝财社的文件资助了多少项目？ | 发文机关渝农发的文件有哪些？
// keywords: 发文机关 | 发过 | 发的文件 | 的文件 | 机关
MATCH (d:PolicyDocument)
WHERE d.issuer_code = $issuer_code
OPTIONAL MATCH (d)-[:ISSUED_BY]->(i:Issuer)
OPTIONAL MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d)
RETURN d.issuer_code AS issuer_code, i.name AS issuer, d.doc_no AS doc_no, d.title AS title, u.name AS unit,
       p.name AS project, p.amount AS amount, c.role AS role, p.file AS file, p.line AS line, c.line AS doc_no_line
ORDER BY doc_no, amount DESC
