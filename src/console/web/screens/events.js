// The audit log: the instance's events, newest first, as the events API (admin ListEvents) gives
// them to holders of events.read; filter by event type or aggregate id, then show more.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Field, Forbidden, LoadState, Section, Table, useLoad } from '../ui.js';

const STEP = 50;

export function EventsScreen() {
  const { session } = useSession();
  const allowed = can(session, 'events.read');
  const [eventType, setEventType] = useState('');
  const [aggregateId, setAggregateId] = useState('');
  const [limit, setLimit] = useState(STEP);
  const events = useLoad(
    () =>
      call('zitadel.admin.v1.AdminService/ListEvents', {
        limit,
        asc: false,
        ...(eventType.trim() ? { eventTypes: [eventType.trim()] } : {}),
        ...(aggregateId.trim() ? { aggregateId: aggregateId.trim() } : {}),
      }),
    [eventType, aggregateId, limit],
    allowed,
  );
  if (!allowed) return html`<${Forbidden} />`;
  const list = events.data?.events ?? [];
  /** @param {(v: string) => void} set */
  const filter = (set) => (/** @type {string} */ v) => {
    set(v);
    setLimit(STEP);
  };
  return html`<div>
    <h1>${t('events.title')}</h1>
    <${Section} title=${t('events.title')}>
      <form class="list-tools" role="search" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()}>
        <${Field} label=${t('events.type')} value=${eventType} onInput=${filter(setEventType)} />
        <${Field} label=${t('events.aggregateId')} value=${aggregateId} onInput=${filter(setAggregateId)} />
      </form>
      <${LoadState} load=${events} count=${list.length} />
      <${Table}
        head=${[t('events.time'), t('events.type'), t('events.aggregate'), t('events.editor'), t('events.payload')]}
        rows=${list.map((/** @type {any} */ e) => [
          new Date(e.creationDate).toLocaleString(),
          html`<code>${e.type?.type}</code>`,
          html`${e.aggregate?.type?.type} <code>${e.aggregate?.id}</code>`,
          e.editor?.displayName || e.editor?.userId,
          e.payload && Object.keys(e.payload).length
            ? html`<details><summary>${t('events.show')}</summary><pre>${JSON.stringify(e.payload, null, 2)}</pre></details>`
            : '',
        ])} />
      ${
        list.length >= limit
          ? html`<div class="actions"><button type="button" onClick=${() => setLimit(limit + STEP)}>${t('events.more')}</button></div>`
          : ''
      }
    <//>
  </div>`;
}
