// name: budget_years
// description: 知识库里有预算的年度，及各年度的单位
// params: (none)
MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget)
RETURN b.year AS year, collect(DISTINCT u.name) AS units
ORDER BY year
