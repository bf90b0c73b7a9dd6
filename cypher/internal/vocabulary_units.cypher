// name: vocabulary_units
// description: 所有单位及其地区、别名
// params: (none)
MATCH (u:Unit) RETURN u.name AS name, u.region AS region, u.aliases AS aliases ORDER BY name
