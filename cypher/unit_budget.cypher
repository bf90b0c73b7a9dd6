// name: unit_budget
// description: 某单位某年的预算总量：收入/支出总计、一般公共预算、基本支出、项目支出、上年结转、三公经费
// params: unit (full unit name); year: int = 0 (budget year; 0 = every year)
// examples: 荣昌区社会保险事务中心2026年的项目支出是多少？ | 綦江区社会保险事务中心2023年收入总计多少？ | 广元市社会保险事务中心2025年基本支出是多少？ | 万盛经开区社保中心的三公经费预算多少？ | 苍溪县社保中心2023年预算总额是多少？
// keywords: 收入总计 | 收入合计 | 支出总计 | 支出合计 | 预算总额 | 一般公共预算 | 基本支出 | 项目支出 | 上年结转 | 三公 | 预算是多少
MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget)
WHERE u.name = $unit AND ($year = 0 OR b.year = $year)
OPTIONAL MATCH (b)-[:SOURCE]->(doc:Document)
RETURN u.name AS unit, b.year AS year, b.kind AS kind,
       b.income_total AS income_total, b.income_total_line AS income_total_line,
       b.expense_total AS expense_total, b.expense_total_line AS expense_total_line,
       b.general_public_budget AS general_public_budget, b.general_public_budget_line AS general_public_budget_line,
       b.basic_expense AS basic_expense, b.basic_expense_line AS basic_expense_line,
       b.project_expense AS project_expense, b.project_expense_line AS project_expense_line,
       b.carryover AS carryover, b.carryover_line AS carryover_line,
       b.three_public AS three_public, b.three_public_line AS three_public_line,
       doc.file AS file
ORDER BY year
