// name: graph_fingerprint
// description: 图谱的节点数（词表缓存的版本号：任何一次导入都会改变它）
// params: (none)
MATCH (n) RETURN count(n) AS nodes
