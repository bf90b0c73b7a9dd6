// name: vocabulary_indicators
// description: 所有绩效指标名称及其一级、二级类别
// params: (none)
MATCH (i:Indicator) RETURN i.name AS name, i.level1 AS level1, i.level2 AS level2
