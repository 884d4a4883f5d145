// The dashboard in 中文 shows a drill's title and its coordinator notes in Chinese (the Drills
// page, the running-drill banner, the drill report, the drill plan and the zh safety report), so
// every demo scenario gives them; an English fallback is for files that do not.
import { describe, expect, it } from 'vitest';
import { scenarioFileFor, scenarioNames, parseScenarioFile } from './scenario.library.ts';
import { stepSchema } from './scenario.schema.ts';

const CJK = /[\u4e00-\u9fff]/;

describe('the demo scenarios in Chinese', () => {
  const scenarios = scenarioNames().map((name) => parseScenarioFile(scenarioFileFor(name)));

  it('reads every demo scenario, sprinkler-activation and valve-left-closed among them', () => {
    expect(scenarios.map((s) => s.name)).toEqual(expect.arrayContaining(['sprinkler-activation', 'valve-left-closed', 'canteen-gas-leak']));
  });

  it('gives every scenario a Chinese title', () => {
    expect(scenarios.filter((s) => !CJK.test(s.titleZh ?? '')).map((s) => s.name)).toEqual([]);
  });

  it('translates every step note', () => {
    const untranslated = scenarios.flatMap((s) =>
      s.steps.filter((step) => step.note !== undefined && !CJK.test(step.noteZh ?? '')).map((step) => `${s.name}@${step.at}`),
    );
    expect(untranslated).toEqual([]);
  });
});

describe('a step note in Chinese', () => {
  it('is refused on a step without an English note (it translates one)', () => {
    const r = stepSchema.safeParse({ at: 5, noteZh: '门被撑开', sensor: 'GH-1F-DR-EXIT', event: { type: 'open' } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('noteZh translates a note');
  });

  it('is kept beside its note', () => {
    expect(stepSchema.parse({ at: 5, note: 'Door wedged open', noteZh: '门被撑开' })).toMatchObject({ note: 'Door wedged open', noteZh: '门被撑开' });
  });
});
