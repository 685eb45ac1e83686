import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { healthReport } from '../health.js';

async function readInput(file: string): Promise<string> {
  if (file !== '-') return await readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description(
      'Assess the health of Kubernetes objects (e.g. kubectl get deploy web -o yaml | mooring health -f -)',
    )
    .requiredOption('-f, --filename <file>', 'YAML stream of objects, or - for stdin')
    .action(async (opts: { filename: string }) => {
      try {
        const report = healthReport(await readInput(opts.filename));
        for (const line of report.lines) console.log(line);
        process.exitCode = report.worst === 'Healthy' ? 0 : report.worst === 'Degraded' ? 2 : 1;
      } catch (err) {
        console.error(
          `error: ${opts.filename === '-' ? 'stdin' : opts.filename}: ${err instanceof Error ? err.message : String(err)}`,
        );
        process.exitCode = 3;
      }
    });
}
