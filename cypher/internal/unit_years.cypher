// name: unit_years
// description: 某单位有预算的年度
// params: unit (full unit name)
MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget) WHERE u.name = $unit RETURN DISTINCT b.year AS year ORDER BY year
