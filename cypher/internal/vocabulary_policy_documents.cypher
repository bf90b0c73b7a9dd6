// name: vocabulary_policy_documents
// description: 所有文件：文号、发文机关代字、标题
// params: (none)
MATCH (d:PolicyDocument)
RETURN d.doc_no AS doc_no, d.issuer_code AS issuer_code, d.title AS title, d.titles AS titles ORDER BY doc_no
