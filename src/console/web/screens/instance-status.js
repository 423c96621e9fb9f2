// The instance at a glance on the home screen: whether the server is ready (its readiness check
// reaches the database) and, for those who may read the instance, its name and the server's version.
import { ApiError, call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Section, useLoad } from '../ui.js';

/** `/debug/ready` answers 200 while the database answers, 412 when it does not. */
async function readiness() {
  try {
    const res = await fetch('/debug/ready');
    return res.ok;
  } catch {
    throw new ApiError(0, 'unavailable', '', undefined);
  }
}

export function InstanceStatus() {
  const { session } = useSession();
  const readable = can(session, 'iam.read');
  const ready = useLoad(readiness, []);
  const instance = useLoad(() => call('zitadel.admin.v1.AdminService/GetMyInstance'), [], readable);
  const health = ready.loading ? t('common.loading') : ready.data ? t('home.ready') : t('home.notReady');
  const i = instance.data?.instance;
  return html`<${Section} title=${t('home.instance')}>
    <dl class="facts">
      <dt>${t('home.health')}</dt><dd data-testid="health">${health}</dd>
      ${
        readable && i
          ? html`<dt>${t('common.name')}</dt><dd>${i.name}</dd>
            <dt>${t('home.version')}</dt><dd data-testid="version">${i.version || '—'}</dd>`
          : ''
      }
    </dl>
  <//>`;
}
