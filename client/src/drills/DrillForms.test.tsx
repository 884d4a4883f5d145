// What the drill forms offer before anyone clicks: only the speeds the scenario allows, the reason
// a site without the scenario's sensors is refused (before anything runs), the scenario's notes as
// the running drill reaches them, under its title (docs/contracts.md#drills).
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { DrillScenario } from '../../../contract/drill.ts';
import { makeSession, SessionContext } from '../auth/SessionContext.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import { makeDrill, makeDrillReport, makeFacility, missedItem } from '../../../test/support/client.fixtures.ts';
import { ReportBody } from './DrillReportPage.tsx';
import { RunningDrillBanner } from './RunningDrillBanner.tsx';
import { StartDrillForm } from './StartDrillForm.tsx';

const facility = makeFacility();
const index = indexFacility(facility);
const door: DrillScenario = { name: 'door-propped-open', title: 'Fire exit propped open', siteId: 'gh', speeds: [1, 2], durationS: 180, notes: [] };
const canteen: DrillScenario = {
  name: 'canteen-gas-leak',
  title: 'Canteen gas leak',
  siteId: 'hq',
  speeds: [1, 2, 5, 10],
  durationS: 300,
  notes: [
    { at: 0, text: 'A hose at the wok range works loose' },
    { at: 150, text: 'The shift lead shuts the isolation valve' },
    { at: 270, text: 'Levels back to normal' },
  ],
};

function render(node: React.ReactNode, locale: 'en' | 'zh' = 'en'): string {
  const session = makeSession({ username: 'manager', displayName: 'manager', role: 'manager', disabled: false }, () => {});
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'Asia/Shanghai')}>
      <SessionContext.Provider value={session}>{node}</SessionContext.Provider>
    </I18nContext.Provider>,
  );
}

const speedButtons = (html: string): string[] =>
  [...html.matchAll(/<button type="button" aria-pressed="(?:true|false)"[^>]*>(×\d+)<\/button>/g)].map((m) => m[1]!);

describe('<StartDrillForm>', () => {
  it('offers the first scenario’s own speeds, not a fixed list', () => {
    const html = render(<StartDrillForm scenarios={[door, canteen]} sites={facility.sites} defaultSiteId="gh" onStarted={() => {}} />);
    expect(speedButtons(html)).toEqual(['×1', '×2']);
    expect(html).toContain('This scenario allows ×1, ×2');
    expect(speedButtons(render(<StartDrillForm scenarios={[canteen]} sites={facility.sites} defaultSiteId="hq" onStarted={() => {}} />))).toEqual([
      '×1',
      '×2',
      '×5',
      '×10',
    ]);
  });

  it('refuses a site without the scenario’s sensors with the reason, and cannot be submitted', () => {
    const html = render(<StartDrillForm scenarios={[canteen]} sites={facility.sites} defaultSiteId="gh" onStarted={() => {}} />);
    expect(html).toContain('“Canteen gas leak” plays the sensors of Headquarters: it cannot run at Guesthouse.');
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Start drill…<\/button>/);
    const fitting = render(<StartDrillForm scenarios={[canteen]} sites={facility.sites} defaultSiteId="hq" onStarted={() => {}} />);
    expect(fitting).not.toContain('drill-site-refused');
    expect(fitting).not.toMatch(/<button type="submit"[^>]*disabled=""/);
  });
});

describe('<RunningDrillBanner>', () => {
  it('names the scenario by its title and shows the notes reached so far at the drill’s speed', () => {
    // 20 s in at ×10: scenario second 200, past the notes at 0 and 150, before the one at 270.
    const drill = makeDrill({ state: 'running', endedAt: null, startedAt: Date.now() - 20_000, speed: 10, title: 'Canteen gas leak' });
    const html = render(<RunningDrillBanner drill={drill} notes={canteen.notes} index={index} onEnded={() => {}} onOpenReport={() => {}} />);
    expect(html).toContain('DRILL RUNNING: Canteen gas leak at Headquarters');
    expect(html).toContain('A hose at the wok range works loose');
    expect(html).toContain('The shift lead shuts the isolation valve');
    expect(html).not.toContain('Levels back to normal');
    // "End drill" opens a confirmation first; nothing asks yet.
    expect(html).toContain('data-testid="drill-end"');
    expect(html).not.toContain('drill-end-confirm');
  });
});

describe('<ReportBody> (drill report)', () => {
  const notPlayed = { ...missedItem({ sensorId: 'KIT-GAS-01', condition: 'gas' }), outcome: 'not_played' as const };

  it('is headed "Drill report", with the scenario’s title above it', () => {
    const html = render(<ReportBody report={makeDrillReport([missedItem({ sensorId: 'KIT-GAS-01', condition: 'gas' })])} facility={facility} index={index} />);
    expect(html).toContain('<h2 class="report__title">Drill report</h2>');
    expect(html).toContain('DRILL</span> Canteen gas leak</p>');
  });

  it('a drill ended before anything was due: no score to give, and it says so rather than "0 %"', () => {
    const html = render(<ReportBody report={makeDrillReport([notPlayed])} facility={facility} index={index} />);
    expect(html).toContain('<span class="score-big__percent">—</span>');
    expect(html).toContain('Nothing to score yet');
    expect(html).toContain('Ended early: scored on what was played');
    expect(html).not.toContain('0 %');
    expect(html).not.toContain('All targets met');
  });
});

// In 中文 the scenario's titleZh and each note's textZh, English where the file gives none.
describe('a drill in Chinese', () => {
  const zh: DrillScenario = {
    ...canteen,
    titleZh: '食堂燃气泄漏',
    notes: [{ ...canteen.notes[0]!, textZh: '炒灶的燃气软管松脱' }, canteen.notes[1]!, canteen.notes[2]!],
  };

  it('names the running drill and shows its notes in Chinese, falling back to English', () => {
    const drill = makeDrill({ state: 'running', endedAt: null, startedAt: Date.now() - 20_000, speed: 10, title: 'Canteen gas leak', titleZh: '食堂燃气泄漏' });
    const html = render(<RunningDrillBanner drill={drill} notes={zh.notes} index={index} onEnded={() => {}} onOpenReport={() => {}} />, 'zh');
    expect(html).toContain('食堂燃气泄漏');
    expect(html).not.toContain('Canteen gas leak');
    expect(html).toContain('炒灶的燃气软管松脱');
    expect(html).not.toContain('A hose at the wok range works loose');
    expect(html).toContain('The shift lead shuts the isolation valve');
    expect(render(<RunningDrillBanner drill={drill} notes={zh.notes} index={index} onEnded={() => {}} onOpenReport={() => {}} />)).toContain(
      'A hose at the wok range works loose',
    );
  });

  it('offers the scenario by its Chinese title', () => {
    const html = render(<StartDrillForm scenarios={[zh, door]} sites={facility.sites} defaultSiteId="hq" onStarted={() => {}} />, 'zh');
    expect(html).toContain('食堂燃气泄漏 (canteen-gas-leak)');
    expect(html).toContain('Fire exit propped open (door-propped-open)');
    const refused = render(<StartDrillForm scenarios={[zh]} sites={facility.sites} defaultSiteId="gh" onStarted={() => {}} />, 'zh');
    expect(refused).toContain('“食堂燃气泄漏”使用');
  });
});
