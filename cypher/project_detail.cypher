// name: project_detail
// description: 某项目的金额、年度、单位、类别、科目和项目群
// params: project (project name as stored); unit = "" (full unit name; "" = any unit)
// examples: 綦江区代发企业退休军转干解困补助资金是多少？ | 荣昌区退捕渔民养老保险补贴安排了多少钱？ | 社保惠民服务专项的预算金额是多少？ | 信息化升级专项多少钱？
// keywords: 是多少 | 多少钱 | 金额 | 安排了多少 | 预算金额
MATCH (u:Unit)-[:RUNS]->(p:Project)
WHERE p.name = $project AND ($unit = '' OR u.name = $unit)
OPTIONAL MATCH (p)-[:PART_OF]->(g:Program)
RETURN u.name AS unit, p.year AS year, p.name AS project, p.code AS code, p.category AS category,
       p.amount AS amount, p.subject_code AS subject_code, g.name AS program, p.file AS file, p.line AS line
ORDER BY unit, year, program
