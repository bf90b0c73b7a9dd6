// name: budget_ranking
// description: 按某项预算总量给各单位排名（三公经费、收入总计、支出总计、一般公共预算、基本支出、项目支出、上年结转）
// params: field (one of three_public, income_total, expense_total, general_public_budget, basic_expense, project_expense, carryover)
// examples: 哪个单位的三公经费最多？ | 各单位的收入总计分别是多少？ | 各单位项目支出排名 | 哪个区县的收入总计最高？ | 基本支出最少的单位是哪个？
// keywords: 哪个单位 | 哪个区县 | 排名 | 最多 | 最高 | 最少 | 最低 | 排序
MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget)
WITH u, b,
     CASE $field WHEN 'three_public' THEN b.three_public WHEN 'income_total' THEN b.income_total
       WHEN 'expense_total' THEN b.expense_total WHEN 'general_public_budget' THEN b.general_public_budget
       WHEN 'basic_expense' THEN b.basic_expense WHEN 'project_expense' THEN b.project_expense
       WHEN 'carryover' THEN b.carryover END AS value,
     CASE $field WHEN 'three_public' THEN b.three_public_line WHEN 'income_total' THEN b.income_total_line
       WHEN 'expense_total' THEN b.expense_total_line WHEN 'general_public_budget' THEN b.general_public_budget_line
       WHEN 'basic_expense' THEN b.basic_expense_line WHEN 'project_expense' THEN b.project_expense_line
       WHEN 'carryover' THEN b.carryover_line END AS line
WHERE value IS NOT NULL
OPTIONAL MATCH (b)-[:SOURCE]->(doc:Document)
RETURN u.name AS unit, b.year AS year, $field AS field, value, doc.file AS file, line
ORDER BY value DESC, unit
