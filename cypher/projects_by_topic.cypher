// name: projects_by_topic
// description: 名称、概述、立项依据或绩效目标里提到某个主题词（如退捕渔民、乡村医生）的项目
// params: keyword (topic word as typed, e.g. 退捕渔民)
// examples: 有哪些关于退捕渔民的项目？ | 涉及乡村医生的项目有哪些？ | 和职教幼教有关的项目 | 提到档案管理的项目有哪些？
// keywords: 关于 | 涉及 | 有关 | 提到 | 相关
MATCH (u:Unit)-[:RUNS]->(p:Project)
WHERE toLower(p.name) CONTAINS toLower($keyword) OR toLower(coalesce(p.overview, '')) CONTAINS toLower($keyword)
   OR toLower(coalesce(p.basis_text, '')) CONTAINS toLower($keyword) OR toLower(coalesce(p.goal, '')) CONTAINS toLower($keyword)
RETURN u.name AS unit, p.year AS year, p.name AS project, p.amount AS amount,
       CASE WHEN toLower(p.name) CONTAINS toLower($keyword) THEN 'name' ELSE 'text' END AS matched_in,
       p.file AS file, p.line AS line
ORDER BY matched_in, amount DESC
