/** The acknowledge button and its failure notice, shared by an alarm's row and an incident's. */
import { useI18n } from '../i18n/I18nContext.ts';

/** An acknowledgement request in flight, or the reason it failed; none once the server has it. */
export type AckStatus = { kind: 'pending' } | { kind: 'failed'; message: string };

interface AckButtonProps {
  ack: AckStatus | undefined;
  /** What the button says when no request is in flight. */
  label: string;
  onClick: () => void;
}

/** Disabled while its request is in flight, so a second press cannot send a second one. */
export function AckButton({ ack, label, onClick }: AckButtonProps) {
  const { t } = useI18n();
  const pending = ack?.kind === 'pending';
  return (
    <button type="button" className="btn btn--ack" disabled={pending} onClick={onClick}>
      {pending ? t('queue.acking') : label}
    </button>
  );
}

/** Announced as an alert: an acknowledgement that did not go through must not pass unseen. */
export function AckFailure({ ack }: { ack: AckStatus | undefined }) {
  const { t } = useI18n();
  if (ack?.kind !== 'failed') return null;
  return (
    <div className="alarm__error" role="alert">
      {t('queue.ackFailed', { msg: ack.message })}
    </div>
  );
}
