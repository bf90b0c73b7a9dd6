// name: vocabulary_issuers
// description: 所有发文机关：代字与全称
// params: (none)
MATCH (i:Issuer) RETURN i.issuer_code AS issuer_code, i.name AS name ORDER BY issuer_code
