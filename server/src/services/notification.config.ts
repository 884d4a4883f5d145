/**
 * The escalation contacts as the server uses them: the facility file's `escalation` section with
 * its secrets read from the environment, plus the legacy `WEBHOOK_URLS`. Checked once at start:
 * every problem is reported at once, naming the contact and the variable.
 */
import type { EscalationSettings } from '../../../contract/index.ts';
import type { ResolvedContact } from './notification.ports.ts';

export interface ContactsConfig {
  WEBHOOK_URLS: readonly string[];
  SMTP_URL?: string;
}

/** Defaults of the facility file's `escalation` section, for a file without one. */
export const DEFAULT_ESCALATION: EscalationSettings = { contacts: [], giveUpAfterS: 1800, maxAttempts: 10 };

export class ContactsError extends Error {
  constructor(readonly problems: string[]) {
    super(`escalation contacts (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ContactsError';
  }
}

/** Throws `ContactsError` listing every contact whose variable is unset or unusable. */
export function resolveContacts(escalation: EscalationSettings, config: ContactsConfig, env: Readonly<Record<string, string | undefined>>): ResolvedContact[] {
  const problems: string[] = [];
  const contacts: ResolvedContact[] = [];
  const ids = new Set<string>();
  const variable = (contactId: string, field: string, name: string): string | undefined => {
    const value = env[name]?.trim();
    if (!value) problems.push(`escalation.contacts ${contactId}: ${field} names ${name}, which is not set`);
    return value || undefined;
  };

  for (const c of escalation.contacts) {
    if (ids.has(c.id)) problems.push(`escalation.contacts ${c.id}: the id is used twice`);
    ids.add(c.id);
    const base = { id: c.id, name: c.name ?? c.id, channel: c.channel, fromLevel: c.fromLevel, ...(c.classes ? { classes: c.classes } : {}) };
    if (c.channel === 'email') {
      if (!config.SMTP_URL) problems.push(`escalation.contacts ${c.id}: e-mail needs SMTP_URL (smtp://user:password@host:port)`);
      contacts.push({ ...base, to: c.to, ...(c.from ? { from: c.from } : {}) });
      continue;
    }
    const url = c.url ?? variable(c.id, 'urlEnv', c.urlEnv!);
    if (url !== undefined && !(URL.canParse(url) && /^https?:$/.test(new URL(url).protocol))) {
      problems.push(`escalation.contacts ${c.id}: ${c.urlEnv ?? 'url'} must be an http(s) URL`);
    }
    const secret = 'secretEnv' in c && c.secretEnv ? variable(c.id, 'secretEnv', c.secretEnv) : undefined;
    contacts.push({
      ...base,
      url: url ?? '',
      ...(secret ? { secret } : {}),
      ...('format' in c ? { format: c.format } : {}),
    });
  }
  config.WEBHOOK_URLS.forEach((url, i) => {
    const id = `webhook-urls-${i + 1}`;
    contacts.push({ id, name: `WEBHOOK_URLS ${i + 1}`, channel: 'webhook', fromLevel: 1, url });
  });
  if (problems.length > 0) throw new ContactsError(problems);
  return contacts;
}
