// name: subject_across_units
// description: 某个功能分类或经济分类科目（编码或名称）在各单位、各年度的预算数（合计/基本/项目）
// params: subject (subject code such as 2210201, or subject name such as 住房公积金); scheme = "" (function | economic | gov_economic; "" = any); unit = "" (full unit name; "" = every unit); year: int = 0 (budget year; 0 = every year)
// examples: 各单位的住房公积金支出是多少？ | 哪些单位有住房公积金支出？ | 荣昌区2026年行政运行支出是多少？ | 2210201科目在各区县分别安排了多少？ | 各单位的培训费是多少？ | 比较各单位的机关事业单位基本养老保险缴费支出
// keywords: 各单位 | 各区县 | 分别 | 比较 | 对比 | 科目 | 支出是多少
MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget)-[a:ALLOCATES]->(s:Subject)
WHERE (s.code = $subject OR s.name = $subject) AND ($scheme = '' OR s.scheme = $scheme)
  AND ($unit = '' OR u.name = $unit) AND ($year = 0 OR b.year = $year)
OPTIONAL MATCH (b)-[:SOURCE]->(doc:Document)
RETURN u.name AS unit, b.year AS year, s.scheme AS scheme, s.code AS code, s.name AS subject,
       a.total AS total, a.basic AS basic, a.project AS project, doc.file AS file, a.line AS line
ORDER BY total DESC, unit, code
