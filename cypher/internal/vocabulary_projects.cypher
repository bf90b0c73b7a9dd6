// name: vocabulary_projects
// description: 所有项目及其单位、年度
// params: (none)
MATCH (u:Unit)-[:RUNS]->(p:Project) RETURN p.name AS name, u.name AS unit, p.year AS year ORDER BY unit, year, name
