// name: unit_subjects
// description: 某单位某年按功能分类或经济分类科目的支出明细
// params: unit (full unit name); scheme = "function" (function | economic | gov_economic); year: int = 0 (budget year; 0 = every year)
// examples: 荣昌区社保中心2026年按功能分类的支出明细 | 綦江区社会保险事务中心的经济分类支出有哪些？ | 广元市社保中心2025年各科目支出多少？ | 万盛经开区社保中心的支出科目构成
// keywords: 明细 | 构成 | 各科目 | 功能分类 | 经济分类 | 分科目
MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget)-[a:ALLOCATES]->(s:Subject)
WHERE u.name = $unit AND s.scheme = $scheme AND ($year = 0 OR b.year = $year)
OPTIONAL MATCH (b)-[:SOURCE]->(doc:Document)
RETURN u.name AS unit, b.year AS year, s.scheme AS scheme, s.code AS code, s.name AS subject,
       a.total AS total, a.basic AS basic, a.project AS project, doc.file AS file, a.line AS line
ORDER BY year, code
