#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader so `npx plmx ...` works without a build step.
// V8's default young generation: a larger one (--max-semi-space-size=32) once saved a tenth of a
// million-row import, but V8 flags apply to every thread, and with the import's worker threads it cost
// 60 MB more peak RSS (up to 509 MB) for no measurable speed.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
