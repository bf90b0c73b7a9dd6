// name: vocabulary_subjects
// description: 所有科目：分类、编码、名称
// params: (none)
MATCH (s:Subject) RETURN s.scheme AS scheme, s.code AS code, s.name AS name ORDER BY scheme, code
