/** Who was told about an alarm's escalations, when, and what each receiver answered. */
import { Router } from 'express';
import type { AlarmNotificationsResponse } from '../../../contract/index.ts';
import { notFound } from '../errors.ts';
import type { NotificationLog } from '../services/notification.ports.ts';
import type { AccessControl } from './access.ts';

export function notificationsRouter(alarmExists: (id: string) => boolean | Promise<boolean>, log: NotificationLog, access: AccessControl): Router {
  const router = Router();

  router.get('/api/alarms/:id/notifications', access.requirePermission('alarm.view'), async (req, res) => {
    const id = String(req.params.id);
    if (!(await alarmExists(id))) throw notFound(`no alarm ${id}`);
    const body: AlarmNotificationsResponse = { notifications: await log.forAlarm(id) };
    res.json(body);
  });

  return router;
}
