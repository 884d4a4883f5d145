// The site selector and the all-sites overview: an alarm on a site nobody is looking at is seen
// from any site (unacknowledged count, worst state).
import { describe, expect, it } from 'vitest';
import { makeAlarm, makeFacility, T0 } from '../../../test/support/client.fixtures.ts';
import { siteSummaries } from './site.summary.ts';

const facility = makeFacility();

describe('site summaries', () => {
  it('counts each site’s unacknowledged alarms and names its worst state', () => {
    const alarms = [
      makeAlarm({ id: 'a', siteId: 'gh', sensorId: 'GH-GAS-01' }),
      makeAlarm({ id: 'b', siteId: 'gh', sensorId: 'GH-GAS-01', state: 'cleared_unacked', conditionActive: false }),
      makeAlarm({ id: 'c', siteId: 'gh', sensorId: 'GH-GAS-01', state: 'active_acked' }),
      makeAlarm({ id: 'd', siteId: 'gh', sensorId: 'GH-GAS-01', shelved: { at: T0, until: T0 + 60_000, by: 'li', reason: 'cleaning' } }),
    ];
    const states = new Map([
      ['KIT-GAS-01', 'normal' as const],
      ['GH-GAS-01', 'alarm' as const],
    ]);
    expect(siteSummaries(facility, alarms, states)).toEqual([
      { siteId: 'hq', unacked: 0, worst: 'normal' },
      { siteId: 'gh', unacked: 2, worst: 'alarm' },
    ]);
  });

  it('counts an alarm with no sensor on a plan in its site’s worst state', () => {
    const gateway = makeAlarm({ id: 'g', siteId: 'hq', sensorId: 'GW-1', condition: 'gateway_offline', class: 'trouble', priority: 'medium' });
    const states = new Map([
      ['KIT-GAS-01', 'normal' as const],
      ['GH-GAS-01', 'normal' as const],
    ]);
    expect(siteSummaries(facility, [gateway], states)[0]).toEqual({ siteId: 'hq', unacked: 1, worst: 'trouble' });
  });
});
