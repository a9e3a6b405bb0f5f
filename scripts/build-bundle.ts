/** `npm run build:bundle [file]`: write the workflow bundle that production workers load (WORKFLOW_BUNDLE_PATH). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildWorkflowBundle } from '../runtime/worker';
import { runMain } from './main';

runMain(async () => {
  const target = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const code = await buildWorkflowBundle();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  console.log(`workflow bundle written to ${target} (${Math.round(code.length / 1024)} KiB)`);
  return undefined;
});
