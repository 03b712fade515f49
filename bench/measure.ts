/** Running a measured case in a child process and reading back what it reports. */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** BENCH_NODE_ARGS: plmx itself runs with node's defaults (bin/plmx.js, npm start). */
function nodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

export interface CaseResult {
  rows: number;
  seconds: number;
  peakRssMb: number;
  bytes?: number;
}

/**
 * Runs `bench/<script>` under tsx with the given arguments; the child prints one JSON line last.
 * BENCH_NODE_ARGS adds node flags to every case (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export function runCase(script: string, args: string[]): Promise<CaseResult> {
  // the dirty pages of the case before (a commit's hundreds of MB) are written back now, not during this case
  execFileSync('sync');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs(), '--import', 'tsx', path.join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

/**
 * Times `work` and reports it with the process's peak RSS — the whole child process's, start-up included,
 * which is why every case runs in a child of its own.
 */
export async function measured(work: () => Promise<{ rows: number; bytes?: number }>): Promise<CaseResult> {
  const started = performance.now();
  const { rows, bytes } = await work();
  const seconds = (performance.now() - started) / 1000;
  return { rows, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), bytes };
}

/** The result with the median time (the upper one of an even count), with the highest peak RSS of all. */
export function median(results: CaseResult[]): CaseResult {
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[Math.floor(sorted.length / 2)], peakRssMb: Math.max(...results.map((r) => r.peakRssMb)) };
}

export function report(label: string, r: CaseResult, floor?: CaseResult): string {
  const rate = Math.round(r.rows / r.seconds).toLocaleString('en-US');
  const ratio = floor ? `  ${(r.seconds / floor.seconds).toFixed(2)}x floor` : '';
  return `${label.padEnd(44)} ${r.rows.toLocaleString('en-US').padStart(10)} rows  ${r.seconds.toFixed(2).padStart(7)} s  ${rate.padStart(9)} rows/s  peak RSS ${String(r.peakRssMb).padStart(4)} MB${ratio}`;
}
