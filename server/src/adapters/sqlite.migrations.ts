/**
 * Every schema migration of the embedded store, in order. The server (main.ts) and the command
 * line (cli.ts) open the same database and must agree on what each `user_version` means, so the
 * list lives here, once. Append new migrations at the end; never reorder or remove one.
 */
import type { Migration } from './sqlite.database.ts';
import { outboxClaimsMigration, outboxMigration, outboxPointsMigration } from './sqlite.outbox.ts';
import { alarmSitesMigration, alarmsMigration, alarmClusterMigration } from './sqlite.alarms.ts';
import { auditMigration } from './sqlite.audit.ts';
import { drillSpeedMigration, drillsMigration } from './sqlite.drills.ts';
import { heldTimesMigration } from './sqlite.held-times.ts';
import { authMigration, loginFailuresMigration } from './sqlite.users.ts';
import { deviceKindMigration } from './sqlite.devices.ts';
import { notificationClaimsMigration, notificationsMigration } from './sqlite.notifications.ts';
import { kpiAnnunciationsMigration } from './sqlite.kpi.ts';
import { safetyReportClaimsMigration, safetyReportsMigration } from './sqlite.safety-reports.ts';
import { cameraSnapshotsMigration } from './sqlite.camera-snapshots.ts';
import { musterMigration } from './sqlite.muster.ts';
import { handoversMigration } from './sqlite.handovers.ts';
import { actionAttachmentsMigration, actionsMigration } from './sqlite.actions.ts';
import { installationMigration } from './sqlite.installation.ts';
import { legacySessionMigration } from './sqlite.legacy-session.ts';
import { leasesMigration, nodeUrlMigration } from './sqlite.leases.ts';

export const MIGRATIONS: readonly Migration[] = [
  outboxMigration,
  alarmsMigration,
  auditMigration,
  drillsMigration,
  authMigration,
  outboxPointsMigration,
  heldTimesMigration,
  deviceKindMigration,
  notificationsMigration,
  drillSpeedMigration,
  actionsMigration,
  handoversMigration,
  musterMigration,
  safetyReportsMigration,
  cameraSnapshotsMigration,
  actionAttachmentsMigration,
  installationMigration,
  kpiAnnunciationsMigration,
  alarmSitesMigration,
  notificationClaimsMigration,
  outboxClaimsMigration,
  loginFailuresMigration,
  safetyReportClaimsMigration,
  leasesMigration,
  nodeUrlMigration,
  alarmClusterMigration,
  legacySessionMigration,
];
