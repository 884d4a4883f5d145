/**
 * Corrective actions: the list with its filters (open, overdue, mine, closed, all; site and zone),
 * one action's detail with its history and the moves the viewer may make (the server decides
 * which: the owner starts and fixes, a manager verifies or sends back with a reason), a form for
 * an inspection finding, and the CSV export.
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { CorrectiveAction } from '../../../contract/actions.ts';
import { ACTION_FILTERS, type ActionFilter, type ActionMove } from '../../../contract/actions-constants.ts';
import type { Facility } from '../../../contract/facility.ts';
import { attachmentUrl, changeAction, fetchAction, fetchActions, openAction, uploadAttachment, type ActionDetail } from '../api/actions.api.ts';
import { messageOf } from '../api/api.client.ts';
import { PageShell } from '../components/PageShell.tsx';
import { SiteSelect } from '../components/SiteSelect.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { downloadCsv } from '../format/download.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { draftBody, emptyDraft } from './action.form.ts';
import { actionsCsv } from './actions.csv.ts';
import { ActionFields } from './ActionFields.tsx';

interface ActionsPageProps {
  facility: Facility;
  index: FacilityIndex;
}

export function ActionsPage({ facility, index }: ActionsPageProps) {
  const { t, fmt } = useI18n();
  const [filter, setFilter] = useState<ActionFilter>('open');
  const [site, setSite] = useState('');
  const [zone, setZone] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const fetcher = useCallback((signal: AbortSignal) => fetchActions({ filter, site, zone }, signal), [filter, site, zone]);
  const [load, reload] = useLoad(fetcher, { showLoading: true });
  const zones = site ? (index.sitesById.get(site)?.floors.flatMap((f) => f.zones) ?? []) : [];
  const where = (a: CorrectiveAction): string =>
    [index.sitesById.get(a.siteId)?.name ?? a.siteId, a.zoneId ? (index.zoneOf(a.siteId, a.zoneId)?.zone.name ?? a.zoneId) : null].filter(Boolean).join(' · ');

  return (
    <PageShell
      className="admin-page actions-page"
      label={t('nav.actions')}
      testId="actions-page"
      title={t('actions.title')}
      intro={t('actions.intro')}
      refresh={{ label: t('actions.refresh'), onRefresh: reload }}
    >
      <div className="log-filters" role="group" aria-label={t('actions.filter')}>
        <div className="segmented" role="group" aria-label={t('actions.filter')}>
          {ACTION_FILTERS.map((f) => (
            <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)} data-filter={f}>
              {t(`actions.filter.${f}`)}
            </button>
          ))}
        </div>
        <SiteSelect
          facility={facility}
          label={t('actions.site')}
          allLabel={t('actions.anySite')}
          value={site || null}
          onChange={(id) => {
            setSite(id ?? '');
            setZone('');
          }}
          testId="actions-site"
        />
        <label className="field">
          <span className="field__label">{t('actions.zone')}</span>
          <select value={zone} onChange={(e) => setZone(e.target.value)} disabled={!site} data-testid="actions-zone">
            <option value="">{t('actions.anyZone')}</option>
            {zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          disabled={load.kind !== 'ready' || load.value.actions.length === 0}
          onClick={() => load.kind === 'ready' && downloadCsv(actionsCsv(load.value.actions), `vigil-actions-${filter}.csv`)}
        >
          {t('actions.export')}
        </button>
        <button type="button" className="btn btn--primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
          {t('actions.new')}
        </button>
      </div>
      {creating ? (
        <NewActionForm
          facility={facility}
          siteId={site || facility.sites[0]?.id || ''}
          onDone={(id) => {
            setCreating(false);
            setSelected(id);
            reload();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {load.kind === 'loading' ? <p className="log__message">{t('actions.loading')}</p> : null}
      {load.kind === 'error' ? (
        <p className="log__message log__message--error" role="alert">
          {t('actions.error', { msg: load.message })}
        </p>
      ) : null}
      {load.kind === 'ready' ? (
        <>
          <p className="drills__muted" data-testid="actions-counts">
            {t('actions.counts', { open: load.value.counts.open, overdue: load.value.counts.overdue, fixed: load.value.counts.fixed })}
          </p>
          {load.value.actions.length === 0 ? (
            <p className="log__message">{t('actions.empty')}</p>
          ) : (
            <div className="log__table-wrap">
              <table className="log-table admin-table" data-testid="actions-table">
                <thead>
                  <tr>
                    {(['id', 'finding', 'where', 'severity', 'owner', 'due', 'status'] as const).map((c) => (
                      <th key={c} scope="col">
                        {t(`actions.col.${c}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {load.value.actions.map((a) => (
                    <tr
                      key={a.id}
                      className={selected === a.id ? 'log-row log-row--selected' : 'log-row'}
                      onClick={() => setSelected(a.id)}
                      data-action-id={a.id}
                      aria-selected={selected === a.id}
                    >
                      <td>
                        <button type="button" className="btn btn--ghost" onClick={() => setSelected(a.id)}>
                          #{a.id}
                        </button>
                      </td>
                      <td>{a.finding}</td>
                      <td>{where(a)}</td>
                      <td>{t(`priority.${a.severity}`)}</td>
                      <td>{a.owner}</td>
                      <td>
                        {fmt.dateTime(a.dueAt)}
                        {a.overdue ? <strong className="actions__overdue"> {t('actions.overdue')}</strong> : null}
                      </td>
                      <td data-status={a.status}>
                        {t(`actions.status.${a.status}`)}
                        {a.escalationLevel > 0 ? ` · ${t('actions.level', { n: a.escalationLevel })}` : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
      {selected !== null ? <ActionPanel key={selected} id={selected} onChanged={reload} onClose={() => setSelected(null)} /> : null}
    </PageShell>
  );
}

function ActionPanel({ id, onChanged, onClose }: { id: number; onChanged: () => void; onClose: () => void }) {
  const { t, fmt } = useI18n();
  const fetcher = useCallback((signal: AbortSignal) => fetchAction(id, signal), [id]);
  const [load] = useLoad(fetcher);
  const [detail, setDetail] = useState<ActionDetail | null>(null);
  const [note, setNote] = useState('');
  const [failed, setFailed] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const shown = detail ?? (load.kind === 'ready' ? load.value : null);
  if (load.kind === 'error') return <p className="log__message log__message--error">{t('actions.error', { msg: load.message })}</p>;
  if (!shown) return <p className="log__message">{t('actions.loading')}</p>;
  const { action: a, history, moves } = shown;

  async function send(change: () => Promise<ActionDetail>) {
    setPending(true);
    setFailed(null);
    try {
      setDetail(await change());
      setNote('');
      onChanged();
    } catch (err) {
      setFailed(messageOf(err));
    } finally {
      setPending(false);
    }
  }
  const move = (m: ActionMove) =>
    send(() => changeAction(id, m === 'reject' ? { move: m, reason: note.trim() } : { move: m, ...(note.trim() ? { note: note.trim() } : {}) }));

  return (
    <section className="panel actions__detail" aria-label={`#${a.id}`} data-testid="action-detail">
      <header className="log__head">
        <h3 className="log__title">
          #{a.id} · {t(`actions.status.${a.status}`)}
          {a.overdue ? <strong className="actions__overdue"> {t('actions.overdue')}</strong> : null}
        </h3>
        <button type="button" className="btn btn--ghost" onClick={onClose}>
          {t('actions.detail.close')}
        </button>
      </header>
      <dl className="actions__facts">
        <dt>{t('actions.col.finding')}</dt>
        <dd>{a.finding}</dd>
        <dt>{t('actions.detail.action')}</dt>
        <dd>{a.action}</dd>
        {a.causeCategory ? (
          <>
            <dt>{t('actions.detail.cause')}</dt>
            <dd>{t(`cause.${a.causeCategory}`)}</dd>
          </>
        ) : null}
        {a.alarmId ? (
          <>
            <dt>{t('actions.detail.alarm')}</dt>
            <dd>{a.alarmId}</dd>
          </>
        ) : null}
        <dt>{t('actions.col.owner')}</dt>
        <dd>{a.owner}</dd>
        <dt>{t('actions.col.due')}</dt>
        <dd>
          {fmt.dateTime(a.dueAt)}
          {a.nextEscalationAt !== null ? ` · ${t('actions.detail.next', { at: fmt.dateTime(a.nextEscalationAt) })}` : null}
        </dd>
      </dl>
      <p className="drills__muted">{t('actions.detail.opened', { by: a.createdBy, at: fmt.dateTime(a.createdAt) })}</p>
      {moves.length > 0 ? (
        <form className="action-form" onSubmit={(e: FormEvent) => e.preventDefault()}>
          <label className="field">
            <span className="field__label">{moves.includes('reject') ? t('actions.reason') : t('actions.note')}</span>
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={2000} data-testid="action-note" />
          </label>
          <div className="action-form__buttons">
            {moves.map((m) => (
              <button
                key={m}
                type="button"
                className={m === 'reject' ? 'btn' : 'btn btn--primary'}
                disabled={pending || (m === 'reject' && !note.trim())}
                onClick={() => void move(m)}
                data-move={m}
              >
                {t(`actions.move.${m}`)}
              </button>
            ))}
          </div>
        </form>
      ) : null}
      {failed ? (
        <p className="detail__error" role="alert">
          {t('actions.failed', { msg: failed })}
        </p>
      ) : null}
      <h4>{t('actions.photos')}</h4>
      <ul className="actions__photos" data-testid="action-photos">
        {shown.attachments.map((p) => (
          <li key={p.id}>
            <a href={attachmentUrl(a.id, p.id)} target="_blank" rel="noreferrer" title={`${p.name} · ${p.by} · ${fmt.dateTime(p.at)}`}>
              <img src={attachmentUrl(a.id, p.id)} alt={p.name} />
            </a>
          </li>
        ))}
      </ul>
      {a.status !== 'verified' ? (
        <label className="field">
          <span className="field__label">{t('actions.photo.add')}</span>
          <input
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            disabled={pending}
            data-testid="action-photo"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void send(() => uploadAttachment(id, file));
            }}
          />
          <span className="field__hint">{t('actions.photo.hint')}</span>
        </label>
      ) : null}
      <h4>{t('actions.detail.history')}</h4>
      <ol className="actions__history" data-testid="action-history">
        {history.map((e) => (
          <li key={e.seq} data-kind={e.kind}>
            <time dateTime={new Date(e.at).toISOString()}>{fmt.dateTime(e.at)}</time>{' '}
            {e.kind === 'escalated' ? t('actions.event.escalated', { to: t(`actions.to.${e.to ?? 'owner'}`), n: e.level ?? 0 }) : t(`actions.event.${e.kind}`)}
            {' · '}
            {e.by}
            {e.note ? ` — ${e.note}` : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function NewActionForm({ facility, siteId, onDone, onCancel }: { facility: Facility; siteId: string; onDone: (id: number) => void; onCancel: () => void }) {
  const { t, timeZone } = useI18n();
  const [site, setSite] = useState(siteId);
  const [finding, setFinding] = useState('');
  const [draft, setDraft] = useState(emptyDraft);
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setProblem(null);
    try {
      onDone((await openAction(draftBody(draft, { finding, siteId: site }, timeZone))).action.id);
    } catch (err) {
      setProblem(messageOf(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="action-form panel" onSubmit={(e) => void submit(e)} aria-label={t('actions.new.title')} data-testid="action-new">
      <h3 className="log__title">{t('actions.new.title')}</h3>
      <SiteSelect facility={facility} label={t('actions.site')} value={site} onChange={(id) => setSite(id ?? site)} />
      <label className="field">
        <span className="field__label">{t('actions.field.finding')}</span>
        <textarea value={finding} onChange={(e) => setFinding(e.target.value)} required rows={2} maxLength={2000} autoFocus data-testid="action-finding" />
      </label>
      <ActionFields draft={draft} onChange={setDraft} />
      {problem ? (
        <p className="action-form__error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="action-form__buttons">
        <button type="submit" className="btn btn--primary" disabled={pending}>
          {t('actions.new.submit')}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          {t('actions.cancel')}
        </button>
      </div>
    </form>
  );
}
