// name: graph_fingerprint
// description: 图谱的节点数与关系数（词表缓存的版本号）
// params: (none)
MATCH (n) WITH count(n) AS nodes
OPTIONAL MATCH ()-[r]->()
RETURN nodes, count(r) AS relationships
