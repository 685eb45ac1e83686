/**
 * docker-compose.yml run natively: the production profile starts the file's services in its
 * depends_on order, and each running process has exactly the command line and the environment
 * the file gives it (container paths mapped to the stack's files, published ports moved for a
 * stack beside the default one). Read from /proc, so a script that drifted from the file fails.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nativePlan } from '../../scripts/compose/native-plan.js';
import { serviceStep, stackPaths, stackSecrets } from '../../scripts/compose/native-exec.js';
import { projectRoot } from '../support/stack.js';
import { wrapperSettings } from '../support/wrapper-settings.js';
import { composePorts, composeVariables, productionState } from './support.js';

/** What the host adds: PATH and HOME from the stack, the rest from a shell script's exec. */
const HOST_VARIABLES = new Set(['PATH', 'HOME', 'PWD', 'OLDPWD', 'SHLVL', '_']);

/** The services `scripts/stack up --profile production --no-mooring` keeps running. */
const LONG_RUNNING = ['temporal', 'codec-server', 'temporal-ui'];

function running(service: string): { pid: number; argv: string[]; env: Map<string, string> } {
  const pid = Number(readFileSync(join(productionState(), `${service}.pid`), 'utf8').trim());
  const split = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);
  const env = new Map(
    split('environ').map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const),
  );
  return { pid, argv: split('cmdline'), env };
}

const MOORING_ENTRIES = [join(projectRoot, 'dist/bin/mooring.js'), join(projectRoot, 'cli/main.ts')];
/** What bin/mooring, the image's entrypoint too, gives Node itself (bin/mooring.env). */
const MOORING_WRAPPER = wrapperSettings(projectRoot, {});

describe('docker-compose.yml, run natively by the production profile', () => {
  const variables = composeVariables();

  for (const service of LONG_RUNNING)
    it(`${service} runs with the file's command and environment`, () => {
      const step = serviceStep(service, { state: productionState(), variables, ports: composePorts() });
      const live = running(service);
      const [command = '', ...args] = step.argv;
      // bin/mooring is a script that execs Node on the bundled dist/bin/mooring.js while it is
      // fresh, and on cli/main.ts otherwise; the others are the binaries.
      if (command.endsWith('/bin/mooring')) {
        assert.ok(
          MOORING_ENTRIES.includes(live.argv[live.argv.length - args.length - 1] ?? ''),
          `${service}: ${live.argv.join(' ')} does not run Mooring's entry point`,
        );
        for (const option of MOORING_WRAPPER.nodeOptions)
          assert.ok(
            live.argv.includes(option),
            `${service}: ${live.argv.join(' ')} lacks ${option} from bin/mooring`,
          );
      } else assert.equal(live.argv[0]?.split('/').pop(), command.split('/').pop());
      assert.deepEqual(live.argv.slice(-args.length), args);
      for (const [name, value] of Object.entries(step.env))
        assert.equal(live.env.get(name), value, `${service}: ${name}`);
      const wrapper = command.endsWith('/bin/mooring')
        ? MOORING_WRAPPER.variables
        : new Map<string, string>();
      for (const [name, value] of wrapper)
        if (!(name in step.env))
          assert.equal(live.env.get(name), value, `${service}: ${name} from bin/mooring`);
      const extra = [...live.env.keys()].filter(
        (k) => !(k in step.env) && !HOST_VARIABLES.has(k) && !wrapper.has(k),
      );
      assert.deepEqual(extra, [], `${service} got variables the file does not give it`);
    });

  it("the services started in the file's depends_on order", () => {
    const order = nativePlan(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8'), {
      projectDir: projectRoot,
      variables,
      paths: stackPaths(productionState()),
      secrets: stackSecrets(productionState()),
    })
      .map((s) => s.service)
      .filter((s) => LONG_RUNNING.includes(s));
    const started = [...LONG_RUNNING].sort(
      (a, b) =>
        statSync(join(productionState(), `${a}.pid`)).mtimeMs -
        statSync(join(productionState(), `${b}.pid`)).mtimeMs,
    );
    assert.deepEqual(started, order);
  });
});
