// name: vocabulary_documents
// description: 所有入库文档：文件名与路径
// params: (none)
MATCH (d:Document) RETURN d.file AS file, d.path AS path ORDER BY file
