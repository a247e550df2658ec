// Runs the GraphQL-over-HTTP specification's audit suite (graphql-http's serverAudits)
// against a running server and prints one JSON line per audit:
//   {"id", "name", "level": "MUST"|"SHOULD"|"MAY", "status": "ok"|"notice"|"warn"|"error", "reason"?}
// graphql-http marks a failed MUST "error", a failed SHOULD "warn", a failed MAY "notice".
//
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
// Exit code: 0 when every MUST audit passed, 1 when one failed, 2 on a usage or fatal error.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}

async function run(audit) {
  const level = audit.name.split(' ', 1)[0];
  try {
    const result = await audit.fn();
    const line = { id: result.id, name: result.name, level, status: result.status };
    if (result.status !== 'ok') {
      line.reason = result.reason;
      line.httpStatus = result.response.status;
      line.contentType = result.response.headers.get('content-type');
      line.body = await result.response.text().then(
        (text) => text.slice(0, 500),
        () => '(body already read)',
      );
    }
    return line;
  } catch (error) {
    // serverAudits throws only for fatal problems (the server is unreachable, ...).
    return { id: audit.id, name: audit.name, level, status: 'error', reason: `fatal: ${error}` };
  }
}

// One audit at a time, so the server's log reads in order and no audit races another.
let mustFailed = false;
for (const audit of serverAudits({ url })) {
  const line = await run(audit);
  if (line.level === 'MUST' && line.status !== 'ok') mustFailed = true;
  process.stdout.write(JSON.stringify(line) + '\n');
}
process.exitCode = mustFailed ? 1 : 0;
