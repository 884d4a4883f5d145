/**
 * Shift handover at the site picked in the header: the handover in progress (opened, signed by the
 * outgoing officer, accepted by the incoming one) and every handover before it, with a CSV export.
 * Officers hand over and accept; managers read. The server decides: the page only offers what it
 * would allow (no Sign while a shelved alarm is undecided, no Accept for the officer who handed over).
 */
import { useCallback, useState } from 'react';
import type { Handover, ShelvedDecision } from '../../../contract/handover.ts';
import { messageOf } from '../api/api.client.ts';
import { acceptHandover, fetchHandovers, openHandover, signHandover } from '../api/handover.api.ts';
import { useSession } from '../auth/SessionContext.ts';
import { PageShell } from '../components/PageShell.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { downloadCsv } from '../format/download.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { handoversCsv } from './handover.csv.ts';
import { HandoverSnapshotView } from './HandoverSnapshotView.tsx';
import { HandoverTable } from './HandoverTable.tsx';

interface HandoverPageProps {
  index: FacilityIndex;
  siteId: string;
}

type Busy = { kind: 'idle' } | { kind: 'busy' } | { kind: 'failed'; message: string };

/** Runs one request at a time and keeps the server's words when it refuses. */
function useSubmit(onDone: () => void): [Busy, (send: () => Promise<unknown>) => void] {
  const [busy, setBusy] = useState<Busy>({ kind: 'idle' });
  const submit = useCallback(
    (send: () => Promise<unknown>) => {
      setBusy({ kind: 'busy' });
      send().then(
        () => {
          setBusy({ kind: 'idle' });
          onDone();
        },
        (err: unknown) => setBusy({ kind: 'failed', message: messageOf(err) }),
      );
    },
    [onDone],
  );
  return [busy, submit];
}

export function HandoverPage({ index, siteId }: HandoverPageProps) {
  const { t, fmt } = useI18n();
  const { can } = useSession();
  const fetcher = useCallback((signal: AbortSignal) => fetchHandovers(siteId, signal), [siteId]);
  const [load, reload] = useLoad(fetcher, { showLoading: true });
  const [busy, submit] = useSubmit(reload);
  const siteName = index.sitesById.get(siteId)?.name ?? siteId;
  const handovers = load.kind === 'ready' ? load.value.handovers : [];
  const current = handovers.find((h) => h.state !== 'accepted');

  return (
    <PageShell
      className="admin-page handover"
      label={t('nav.handover')}
      testId="handover-page"
      title={t('handover.title')}
      refresh={{ label: t('handover.refresh'), onRefresh: reload }}
      intro={t('handover.intro')}
    >
      {load.kind === 'loading' ? <p className="log__message">{t('handover.loading')}</p> : null}
      {load.kind === 'error' ? <p className="log__message detail__error">{t('handover.error', { msg: load.message })}</p> : null}
      {can('shift.handover') ? null : <p className="drills__muted">{t('handover.viewOnly')}</p>}
      {load.kind === 'ready' ? (
        <section className="admin-page__section" aria-label={t('handover.current', { site: siteName })} data-testid="handover-current">
          <h3 className="admin-page__heading">{t('handover.current', { site: siteName })}</h3>
          {current ? (
            <CurrentHandover key={`${current.id}/${current.state}`} handover={current} index={index} busy={busy} submit={submit} />
          ) : (
            <>
              <p className="log__message">{t('handover.none')}</p>
              {can('shift.handover') ? (
                <div>
                  <button type="button" className="btn btn--primary" disabled={busy.kind === 'busy'} onClick={() => submit(() => openHandover({ siteId }))}>
                    {busy.kind === 'busy' ? t('handover.opening') : t('handover.open')}
                  </button>
                </div>
              ) : null}
            </>
          )}
          {busy.kind === 'failed' ? (
            <p className="detail__error" role="alert">
              {t('handover.failed', { msg: busy.message })}
            </p>
          ) : null}
        </section>
      ) : null}
      <section className="admin-page__section" aria-label={t('handover.history')}>
        <div className="drills__list-head">
          <h3 className="admin-page__heading">{t('handover.history')}</h3>
          <button
            type="button"
            className="btn"
            disabled={handovers.length === 0}
            onClick={() => downloadCsv(handoversCsv(handovers), `vigil-handovers-${siteId}-${new Date().toISOString().slice(0, 10)}.csv`)}
          >
            {t('handover.exportCsv')}
          </button>
        </div>
        {load.kind === 'ready' && handovers.length === 0 ? <p className="log__message">{t('handover.empty')}</p> : null}
        {handovers.length > 0 ? <HandoverTable handovers={handovers} fmt={fmt} /> : null}
      </section>
    </PageShell>
  );
}

interface CurrentProps {
  handover: Handover;
  index: FacilityIndex;
  busy: Busy;
  submit: (send: () => Promise<unknown>) => void;
}

function CurrentHandover({ handover: h, index, busy, submit }: CurrentProps) {
  const { t, fmt } = useI18n();
  const { can, user } = useSession();
  const [chosen, setChosen] = useState<ReadonlyMap<string, ShelvedDecision>>(new Map());
  const [notes, setNotes] = useState(h.notes);
  const [remarks, setRemarks] = useState('');
  const mayAct = can('shift.handover');
  const undecided = h.snapshot.shelved.filter((s) => !chosen.has(s.alarmId)).length;
  const sending = busy.kind === 'busy';

  return (
    <div className="handover__current" data-state={h.state}>
      <p className="drills__muted">{t('handover.openedBy', { user: h.openedBy, time: fmt.dateTime(h.openedAt) })}</p>
      {h.handedOverBy !== null && h.handedOverAt !== null ? (
        <p className="drills__muted">{t('handover.handedOverBy', { user: h.handedOverBy, time: fmt.dateTime(h.handedOverAt) })}</p>
      ) : null}
      <HandoverSnapshotView
        snapshot={h.snapshot}
        index={index}
        {...(h.state === 'open' && mayAct ? { decisions: { chosen, onChoose: (id, d) => setChosen((m) => new Map(m).set(id, d)) } } : {})}
      />
      {h.state === 'open' && mayAct ? (
        <form
          className="handover__form"
          onSubmit={(e) => {
            e.preventDefault();
            submit(() => signHandover(h.id, { notes, shelved: [...chosen].map(([alarmId, decision]) => ({ alarmId, decision })) }));
          }}
        >
          <label className="field">
            <span className="field__label">{t('handover.notes')}</span>
            <textarea value={notes} maxLength={4000} rows={3} onChange={(e) => setNotes(e.target.value)} />
          </label>
          {undecided > 0 ? <p className="drills__muted">{t('handover.undecided', { n: undecided })}</p> : null}
          <button type="submit" className="btn btn--primary" disabled={sending || undecided > 0}>
            {sending ? t('handover.signing') : t('handover.sign')}
          </button>
        </form>
      ) : (
        <div className="handover__notes">
          <h4 className="admin-page__heading">{t('handover.notes')}</h4>
          <p data-testid="handover-notes">{h.notes === '' ? t('handover.noNotes') : h.notes}</p>
        </div>
      )}
      {h.state === 'handed_over' && mayAct && h.handedOverBy === user.username ? <p className="log__message">{t('handover.ownHandover')}</p> : null}
      {h.state === 'handed_over' && mayAct && h.handedOverBy !== user.username ? (
        <form
          className="handover__form"
          onSubmit={(e) => {
            e.preventDefault();
            submit(() => acceptHandover(h.id, remarks.trim() === '' ? {} : { remarks }));
          }}
        >
          <label className="field">
            <span className="field__label">{t('handover.remarks')}</span>
            <textarea value={remarks} maxLength={4000} rows={2} onChange={(e) => setRemarks(e.target.value)} />
          </label>
          <button type="submit" className="btn btn--primary" disabled={sending}>
            {sending ? t('handover.accepting') : remarks.trim() === '' ? t('handover.accept') : t('handover.acceptWithRemarks')}
          </button>
        </form>
      ) : null}
    </div>
  );
}
