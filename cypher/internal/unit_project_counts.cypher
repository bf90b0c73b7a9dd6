// name: unit_project_counts
// description: 每个单位（某年）的项目数和项目金额合计：名称和金额都相同的项目算一个，与 unit_projects 列出的一致
// params: year: int = 0 (budget year; 0 = every year)
MATCH (u:Unit)-[:RUNS]->(p:Project)
WHERE $year = 0 OR p.year = $year
WITH u.name AS unit, p.name AS project, p.amount AS amount, max(p.year) AS year
RETURN unit, max(year) AS year, count(*) AS count, sum(amount) AS amount
ORDER BY unit
