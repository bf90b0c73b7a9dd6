#!/usr/bin/env node
// Lint Cypher with Neo4j's own linter (npm @neo4j-cypher/language-support, lintCypherQuery(query, dbSchema)).
//
// Usage:
//   node tools/lint_cypher.mjs FILE.cypher...     lint files as they are (every $param is then reported undefined)
//   node tools/lint_cypher.mjs --job JOB.json      lint with the graph's names and each file's parameters:
//     {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//      "files": [{"path": "cypher/x.cypher", "parameters": {"doc_no": "", "year": 0}}]}
//   (tests/test_cypher_lint.py writes the job from kb.core.schema and the cypher/ registry.)
// Prints one JSON object per diagnostic and line: {"file", "severity": "error"|"warning"|"information"|"hint",
// "line", "column", "message"} (1-based); exits 1 when any diagnostic is an error, 2 on bad usage.
import { readFileSync } from "node:fs";
import { lintCypherQuery } from "@neo4j-cypher/language-support";

const SEVERITY = { 1: "error", 2: "warning", 3: "information", 4: "hint" };

function jobFromArguments(args) {
  if (args[0] === "--job" && args.length === 2) return JSON.parse(readFileSync(args[1], "utf8"));
  if (args.length === 0 || args.some((arg) => arg.startsWith("--"))) return null;
  return { schema: {}, files: args.map((path) => ({ path, parameters: {} })) };
}

const job = jobFromArguments(process.argv.slice(2));
if (!job) {
  console.error("usage: node tools/lint_cypher.mjs FILE.cypher... | --job JOB.json");
  process.exit(2);
}

let errors = 0;
for (const { path, parameters } of job.files) {
  const query = readFileSync(path, "utf8");
  const { diagnostics } = lintCypherQuery(query, { ...job.schema, parameters: parameters ?? {} });
  for (const diagnostic of diagnostics) {
    const severity = SEVERITY[diagnostic.severity] ?? "error";
    if (severity === "error") errors++;
    console.log(JSON.stringify({
      file: path, severity, line: diagnostic.range.start.line + 1,
      column: diagnostic.range.start.character + 1, message: diagnostic.message,
    }));
  }
}
process.exit(errors ? 1 : 0);
