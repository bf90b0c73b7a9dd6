// name: program_across_units
// description: 同一类项目（项目群，如企业军转干部生活补助）在各单位、各区县的预算对比；合并项目（同时支付多个群体）列在最后，不计金额
// params: program (program name as stored)
// examples: 企业军转干部生活补助在各区县分别安排了多少？ | 社会保险档案管理有哪些项目？ | 原民办教师养老和医疗补助在哪些单位有项目？ | 比较各区县的国有企业职教幼教退休教师生活补助 | 社会保险档案管理在哪些区县有预算，各多少？
// keywords: 哪些区县 | 在哪些 | 各区县 | 哪些单位有 | 分别安排 | 比较 | 对比 | 有哪些项目
MATCH (u:Unit)-[:RUNS]->(p:Project)-[r:PART_OF]->(g:Program)
WHERE g.name = $program AND coalesce(r.status, '') <> 'rejected'
WITH u, p, r, g, coalesce(r.kind, 'member') = 'bundle' AS bundle
RETURN g.name AS program, u.name AS unit, u.region AS region, p.year AS year, p.name AS project,
       CASE WHEN bundle THEN NULL ELSE coalesce(r.share, p.amount) END AS amount,
       CASE WHEN bundle THEN '合并项目：同时支付多个群体，金额不计入本类项目' ELSE NULL END AS note,
       r.score AS score, r.method AS method, p.file AS file, p.line AS line
ORDER BY CASE WHEN note IS NULL THEN 0 ELSE 1 END, amount DESC, unit
