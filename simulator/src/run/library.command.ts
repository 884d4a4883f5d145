/** `list` and `validate`: the scenario library, described and checked. */
import path from 'node:path';
import type { CommandSpec } from '../cli/program.ts';
import { readFacility } from '../facility/facility.read.ts';
import { scenarioDuration } from '../scenario/scenario.check.ts';
import { loadScenarioFile, parseScenarioFile, scenarioFiles } from '../scenario/scenario.library.ts';
import { SimulatorError, errorText } from '../simulator.errors.ts';
import type { CliContext } from './cli.context.ts';
import { resolveFacilityPath } from './traffic.command.ts';

export function runList(ctx: CliContext): number {
  const files = scenarioFiles();
  let broken = 0;
  for (const file of files) {
    try {
      const s = parseScenarioFile(file);
      const speed = s.maxSpeed === undefined ? '' : `, --speed up to ${s.maxSpeed}`;
      ctx.out(`${s.name}  (${s.site}, ${scenarioDuration(s)} s${speed}, ${s.expect.length} expected alarm${s.expect.length === 1 ? '' : 's'})\n`);
      ctx.out(`  ${s.title}: ${s.description.trim().replace(/\s+/g, ' ')}\n\n`);
    } catch (err) {
      broken++;
      ctx.out(`${path.basename(file)}  (invalid: run \`simulate validate\`)\n\n`);
      if (!(err instanceof SimulatorError)) throw err;
    }
  }
  if (files.length === 0) ctx.out('the scenario library is empty\n');
  return broken > 0 ? 1 : 0;
}

export function runValidate(spec: Extract<CommandSpec, { command: 'validate' }>, ctx: CliContext): number {
  const facility = readFacility(resolveFacilityPath(spec.facility));
  const files = spec.files.length > 0 ? spec.files.map((f) => path.resolve(f)) : scenarioFiles();
  let invalid = 0;
  for (const file of files) {
    try {
      const loaded = loadScenarioFile(file, facility);
      const s = loaded.scenario;
      ctx.out(`ok       ${path.basename(file)}: ${s.steps.length} steps, ${loaded.durationS} s, ${s.expect.length} expectations\n`);
    } catch (err) {
      invalid++;
      ctx.out(`INVALID  ${errorText(err)}\n`);
    }
  }
  ctx.out(`${files.length - invalid} of ${files.length} scenario files valid against ${spec.facility}\n`);
  return invalid > 0 ? 1 : 0;
}
