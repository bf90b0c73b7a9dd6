// name: policy_support
// description: 各文件支持的项目数、单位数和项目金额合计（可限定引用角色、单位、发文机关），按金额排序
// params: role = "" (basis | mention; "" = either); unit = "" (full unit name; "" = every unit); issuer_code = "" (issuer code such as 渝财社; "" = every issuer)
// examples: 哪个文件支持的资金最多？ | 哪个文号涉及的项目最多？ | 重庆市财政局的文件里哪个支持的钱最多？ | 綦江哪个文件支持的项目最多？
// keywords: 支持最多 | 资金最多 | 项目最多
MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d:PolicyDocument)
WHERE ($role = '' OR c.role = $role) AND ($unit = '' OR u.name = $unit)
  AND ($issuer_code = '' OR d.issuer_code = $issuer_code)
WITH DISTINCT d, u, p, c
WITH d, collect(DISTINCT u.name) AS units,
     collect({unit: u.name, project: p.name, amount: p.amount, role: c.role, file: p.file, line: p.line}) AS sources
RETURN d.doc_no AS doc_no, d.title AS title, units, sources
ORDER BY doc_no
