// name: vocabulary_program_names
// description: 所有项目群名称（早于 Program.keywords 的库）
// params: (none)
MATCH (g:Program) RETURN g.name AS name ORDER BY name
