/** Under a gateway's offline alarm: every device behind the gateway and its live state, offline first. */
import type { Alarm } from '../../../contract/alarm.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { alarmGateway, gatewayDevices, type GatewayDevice } from '../domain/gateway.devices.ts';
import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { useLive } from '../live/useLive.ts';
import { KindGlyph } from './KindGlyph.tsx';
import { LocateIcon } from './LocateIcon.tsx';

interface GatewayDevicesProps {
  alarm: Alarm;
  index: FacilityIndex;
  /** As the detail's own locate: absent where there is no plan. */
  onLocate?: (sensorId: string) => void;
}

/** Renders nothing unless the alarm is a gateway's own. */
export function GatewayDevices({ alarm, index, onLocate }: GatewayDevicesProps) {
  const { t, locale } = useI18n();
  const sensors = useLive((s) => s.sensors);
  const target = alarmGateway(alarm, index);
  if (!target) return null;
  const devices = gatewayDevices(target.id, index, sensors);
  const offline = devices.filter((d) => d.link === 'offline').length;
  const plural = new Intl.PluralRules(locale).select(devices.length) === 'one' ? 'detail.gatewayCount.one' : 'detail.gatewayCount.other';
  return (
    <section className="detail__section" aria-label={t('detail.gatewayDevices')} data-testid="gateway-devices">
      <h3 className="detail__heading">{t('detail.gatewayDevices')}</h3>
      {devices.length === 0 ? (
        <p className="detail__muted">{t('detail.gatewayNone')}</p>
      ) : (
        <>
          <p className="gateway-devices__count">{t(plural, { n: devices.length, off: offline })}</p>
          <ul className="gateway-devices">
            {devices.map((device) => (
              <DeviceRow key={device.sensorId} device={device} index={index} onLocate={onLocate} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function DeviceRow({ device, index, onLocate }: { device: GatewayDevice; index: FacilityIndex; onLocate?: (sensorId: string) => void }) {
  const { t, duration } = useI18n();
  const now = useNow();
  const { sensor } = device;
  const name = sensor?.name ?? device.sensorId;
  const zone = sensor ? (index.zoneOf(sensor.siteId, sensor.zoneId)?.zone.name ?? sensor.zoneId) : null;
  const linkText = device.link === 'offline' ? t('detail.deviceOffline') : device.link === 'online' ? t('detail.deviceOnline') : t('detail.deviceUnknown');
  const seen = device.lastSeen === null ? t('detail.deviceNeverSeen') : t('detail.deviceLastSeen', { d: duration(now - device.lastSeen) });
  return (
    <li className={`gateway-device gateway-device--${device.link}`} data-sensor-id={device.sensorId} data-link={device.link}>
      {sensor ? (
        <svg className="gateway-device__glyph" viewBox="-1 -1 2 2" aria-label={t(`kind.${sensor.kind}`)} role="img">
          <KindGlyph kind={sensor.kind} color="currentColor" />
        </svg>
      ) : null}
      <span className="gateway-device__name">{name}</span>
      {zone ? <span className="gateway-device__zone">{zone}</span> : null}
      <span className="gateway-device__link" data-testid="device-link">
        {linkText}
      </span>
      <span className="gateway-device__seen">{seen}</span>
      {onLocate && sensor ? (
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => onLocate(device.sensorId)}
          aria-label={t('detail.deviceLocate', { name })}
          title={t('detail.deviceLocate', { name })}
        >
          <LocateIcon />
        </button>
      ) : null}
    </li>
  );
}
