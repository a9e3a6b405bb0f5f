// Preloaded into a role's process by test/runtime/role-modules.test.ts: on SIGTERM, writes the
// packages the process has loaded (node_modules/<name>) to ROLE_MODULES_OUT, then exits.
const { writeFileSync } = require('node:fs');
process.once('SIGTERM', () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (m) names.add(m[1]);
  }
  writeFileSync(process.env.ROLE_MODULES_OUT, JSON.stringify([...names].sort()));
  process.exit(0);
});
