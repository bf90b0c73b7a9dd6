// name: vocabulary_programs
// description: 所有项目群及其关键词
// params: (none)
MATCH (g:Program) RETURN g.name AS name, g.keywords AS keywords ORDER BY name
