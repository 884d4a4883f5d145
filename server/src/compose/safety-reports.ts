/**
 * The periodic safety report: its service over the alarm store, drills, KPIs, corrective actions
 * and handovers; kept reports in the operational store; the schedule (a part: started with the server); the PDF
 * printer; announcements through the alarm side's notification outbox.
 */
import { ChromiumPdf } from '../adapters/pdf.chromium.ts';
import { SqlInstallation } from '../adapters/sql.installation.ts';
import { SqlSafetyReports } from '../adapters/sql.safety-reports.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { systemClock, systemScheduler } from '../services/clock.ts';
import { SafetyReportScheduler } from '../services/safety-report.scheduler.ts';
import { SafetyReportService } from '../services/safety-report.service.ts';
import type { KpiReport, Priority, ReportKpi } from '../../../contract/index.ts';
import type { Actions } from './actions.ts';
import type { Alarms } from './alarms.ts';
import type { Drills } from './drills.ts';
import { composeHandovers } from './handovers.ts';
import { kpiService } from './http.ts';
import type { MqttIngest } from './ingest.ts';
import type { Part } from './parts.ts';
import type { Facility } from './startup.ts';
import type { Storage } from './storage.ts';

export interface SafetyReports {
  service: SafetyReportService;
  pdf: ChromiumPdf;
  /** The schedule: starting catches up a missed run and plans the next ones; stopping waits for a run in progress. */
  part: Part;
}

export interface SafetyReportDeps {
  facility: Facility;
  storage: Storage;
  alarms: Alarms;
  drills: Drills;
  actions: Actions;
  mqtt: MqttIngest;
}

/** The browser the e2e tests use; CHROMIUM_PATH names another. */
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function composeSafetyReports(config: Config, logger: Logger, d: SafetyReportDeps): SafetyReports {
  const { registry } = d.facility;
  // Readers of the same stores the API's KPI and handover routes read.
  const kpis = kpiService(d, config);
  const handovers = composeHandovers({
    registry,
    storage: d.storage,
    alarms: d.alarms.service,
    drills: d.drills.service,
    brokerConnected: () => d.mqtt.connected(),
    actions: d.actions.service,
  });
  const log = logger.child({ component: 'safety-reports' });
  const alarms = d.alarms.service;
  const service = new SafetyReportService(
    { site: (id) => registry.site(id), sites: () => registry.facility.sites, sensors: () => registry.allSensors() },
    {
      list: async (f) => alarms.list(f),
      outOfService: async () =>
        (await alarms.sensorStates()).flatMap((s) => (s.outOfService === null ? [] : [{ sensorId: s.sensorId, outOfService: s.outOfService }])),
    },
    {
      list: (limit) => d.drills.service.list(limit),
      scorePercent: async (id) => (await d.drills.service.report(id)).score.percent,
      scenarioTitle: (name) => d.drills.scenarios.scenario(name)?.title,
      scenarioTitleZh: (name) => d.drills.scenarios.scenario(name)?.titleZh,
    },
    {
      kpis: async (siteId, from, to) => kpiRows(await kpis.compute({ siteId, from, to })),
      actions: (siteId, from, to) => d.actions.service.counts({ siteId, from, to }),
      handovers: async (siteId, from, to) => {
        const { handedOver, accepted, acceptedWithRemarks, itemsCarriedOver } = await handovers.counts({ siteId, from, to });
        return { held: handedOver, accepted, acceptedWithRemarks, itemsCarriedOver };
      },
    },
    new SqlSafetyReports(d.storage.sql),
    async (message) => d.alarms.dispatcher.notify(message),
    systemClock,
  );
  const scheduler = new SafetyReportScheduler(service, () => registry.facility.sites, new SqlInstallation(d.storage.sql), systemScheduler, log);
  return {
    service,
    pdf: new ChromiumPdf(process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM),
    part: { name: 'safety report schedule', start: () => scheduler.start(), stop: () => scheduler.stop() },
  };
}

const PRIORITY_ZH: Readonly<Record<Priority, string>> = { critical: '紧急', high: '高', medium: '中', low: '低' };
const pct = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/** The KPI page's headline figures as report rows, with their EEMUA 191 / ISA-18.2 targets (contract/kpi.ts). */
export function kpiRows(k: KpiReport): ReportKpi[] {
  const rows: ReportKpi[] = [
    {
      key: 'avg_per_10min',
      label: 'Alarms per 10 minutes (average)',
      labelZh: '每 10 分钟报警数（平均）',
      value: k.rate.avgPer10Min,
      target: '≤ 1',
      met: k.rate.avgPer10Min <= 1,
    },
    {
      key: 'peak_per_10min',
      label: 'Alarms in the busiest 10 minutes',
      labelZh: '最繁忙 10 分钟报警数',
      value: k.rate.peakPer10Min,
      target: '≤ 10',
      met: k.rate.peakPer10Min <= 10,
    },
    {
      key: 'flood_share',
      label: 'Time in alarm flood',
      labelZh: '报警泛滥时间占比',
      value: pct(k.rate.floodShare),
      unit: '%',
      target: '< 1 %',
      met: k.rate.floodShare < 0.01,
    },
  ];
  for (const [kind, list, en, zh] of [
    ['ack', k.ack, 'acknowledged', '确认'],
    ['resolve', k.resolve, 'resolved', '处置'],
  ] as const)
    for (const r of list.filter((x) => x.count > 0 || x.withinTarget !== null))
      rows.push({
        key: `${kind}_${r.priority}`,
        label: `${r.priority[0]!.toUpperCase()}${r.priority.slice(1)} alarms ${en} within ${r.targetS} s`,
        labelZh: `${PRIORITY_ZH[r.priority]}级报警 ${r.targetS} 秒内${zh}`,
        value: pct(r.withinTarget),
        unit: '%',
      });
  rows.push(
    { key: 'chattering', label: 'Chattering alarms', labelZh: '频繁振荡的报警', value: k.chattering.length, target: '0', met: k.chattering.length === 0 },
    {
      key: 'standing',
      label: 'Standing alarms (active > 24 h)',
      labelZh: '长期报警（激活超过 24 小时）',
      value: k.standing.length,
      target: '0',
      met: k.standing.length === 0,
    },
    {
      key: 'stale',
      label: 'Stale alarms (unacknowledged > 24 h)',
      labelZh: '陈旧报警（超过 24 小时未确认）',
      value: k.stale.length,
      target: '0',
      met: k.stale.length === 0,
    },
  );
  return rows;
}
