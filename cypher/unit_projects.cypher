// name: unit_projects
// description: 某单位（某年）有哪些项目，各多少钱
// params: unit (full unit name); year: int = 0 (budget year; 0 = every year)
// examples: 苍溪县社会保险事务中心有哪些项目？ | 万盛经开区社会保险事务中心2024年有哪些项目？ | 荣昌区社保中心2026年的项目清单 | 綦江区社会保险事务中心安排了哪些项目支出？
// keywords: 有哪些项目 | 哪些项目 | 项目清单 | 项目有 | 安排了哪些
MATCH (u:Unit)-[:RUNS]->(p:Project)
WHERE u.name = $unit AND ($year = 0 OR p.year = $year)
RETURN u.name AS unit, p.year AS year, p.name AS project, p.code AS code, p.category AS category,
       p.amount AS amount, p.file AS file, p.line AS line
ORDER BY amount DESC, project
