// name: list_units
// description: 知识库里有哪些单位、哪些年度的预算，支出总计多少
// params: (none)
// examples: 有哪些单位？ | 有几个单位？ | 知识库里收录了哪些单位的预算？ | 都有哪些区县的社保中心？ | 列出所有预算单位
// keywords: 哪些单位 | 所有单位 | 收录 | 列出 | 都有哪些
MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget)
OPTIONAL MATCH (b)-[:SOURCE]->(doc:Document)
RETURN u.name AS unit, u.region AS region, u.province AS province, b.year AS year, b.kind AS kind,
       b.expense_total AS expense_total, doc.file AS file, b.expense_total_line AS expense_total_line
ORDER BY province, unit, year
