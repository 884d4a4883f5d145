/**
 * CSV export of the handovers, one line per handover, written by the alarm log export's csvTable
 * (RFC 4180 quoting, formula defusing, CRLF, byte-order mark).
 */
import type { Handover } from '../../../contract/handover.ts';
import { csvTable, type CsvColumn } from '../log/alarm.csv.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const ids = (items: readonly { alarmId: string }[]): string => items.map((i) => i.alarmId).join(' ');

const COLUMNS: readonly CsvColumn<Handover>[] = [
  ['id', (h) => h.id],
  ['site', (h) => h.siteId],
  ['state', (h) => h.state],
  ['opened_utc', (h) => iso(h.openedAt)],
  ['opened_by', (h) => h.openedBy],
  ['handed_over_utc', (h) => iso(h.handedOverAt)],
  ['handed_over_by', (h) => h.handedOverBy],
  ['accepted_utc', (h) => iso(h.acceptedAt)],
  ['accepted_by', (h) => h.acceptedBy],
  ['standing', (h) => h.snapshot.standing.length],
  ['shelved_carried', (h) => ids(h.snapshot.shelved.filter((s) => s.decision === 'carry'))],
  ['shelved_unshelved', (h) => ids(h.snapshot.shelved.filter((s) => s.decision === 'unshelve'))],
  ['out_of_service', (h) => h.snapshot.outOfService.length],
  ['open_actions', (h) => h.snapshot.actions.length],
  ['running_drills', (h) => h.snapshot.drills.length],
  ['link_trouble', (h) => h.snapshot.links.length],
  ['notes', (h) => h.notes],
  ['remarks', (h) => h.remarks],
];

export const handoversCsv = (handovers: readonly Handover[]): string => csvTable(COLUMNS, handovers);
