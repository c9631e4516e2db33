// Writes docs/errors.md from the error catalogue in src/errors.ts: `npm run docs:errors`.
// src/errors.test.ts fails when the two disagree, so a new code cannot ship undocumented.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCatalogue } from '../src/errors.ts';

const header = `# Error codes

Every error response has the same shape:

\`\`\`json
{ "error": { "code": "MEMBER_NOT_FOUND", "message": "No such member", "details": [ … ] } }
\`\`\`

\`code\` is stable and meant for programs; \`message\` is for people and may change. \`details\` is
present when there is more to say — for \`VALIDATION_FAILED\` one entry per bad field
(\`{ "path": "events.3.amount.amount", "message": "…" }\`), for \`EVENT_UNKNOWN_MEMBERS\` one per
unknown member. A \`429\` carries a \`Retry-After\` header. A \`5xx\` is a bug or an outage, never a
verdict on the request.

| code | status | meaning |
|---|---|---|
`;

const rows = errorCatalogue()
  .map((e) => `| \`${e.code}\` | ${e.status} | ${e.message} |`)
  .join('\n');
writeFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), `${header}${rows}\n`);
console.log(`docs/errors.md: ${errorCatalogue().length} codes`);
