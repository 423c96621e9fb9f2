// One organization: its domains, adding one, proving one by an HTTP file or a DNS record (the
// server checks what the instructions say), and removing one.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { Metadata } from './metadata.js';
import { Members, orgLevel } from './members.js';
import { ConfirmButton, Field, Forbidden, LoadState, Section, Table, useAction, useLoad } from '../ui.js';

const ORGS = 'zitadel.org.v2beta.OrganizationService';

/** @param {{ orgId: string }} props */
export function OrgScreen({ orgId }) {
  const { session } = useSession();
  const allowed = can(session, 'org.read');
  const org = useLoad(
    () =>
      call('zitadel.org.v2.OrganizationService/ListOrganizations', {
        query: listQuery(0, 1),
        queries: [{ idQuery: { id: orgId } }],
      }),
    [orgId],
    allowed,
  );
  const domains = useLoad(
    () => call(`${ORGS}/ListOrganizationDomains`, { organizationId: orgId, pagination: listQuery(0, 100) }),
    [orgId],
    allowed,
  );
  const [domain, setDomain] = useState('');
  const [challenge, setChallenge] = useState(
    /** @type {{ domain: string, type: string, token: string, url: string } | undefined} */ (undefined),
  );
  const action = useAction();
  if (!allowed) return html`<${Forbidden} />`;
  const name = org.data?.result?.[0]?.name ?? '';
  const list = domains.data?.domains ?? [];
  const writable = can(session, 'org.write');
  const add = async () => {
    await call(`${ORGS}/AddOrganizationDomain`, { organizationId: orgId, domain });
    setDomain('');
    domains.reload();
  };
  /** @param {string} d @param {'HTTP' | 'DNS'} type */
  const prove = (d, type) =>
    action.run(async () => {
      const answer = await call(`${ORGS}/GenerateOrganizationDomainValidation`, {
        organizationId: orgId,
        domain: d,
        type: `DOMAIN_VALIDATION_TYPE_${type}`,
      });
      setChallenge({ domain: d, type, token: answer.token, url: answer.url });
    });
  /** @param {string} d */
  const verify = (d) =>
    action.run(
      async () => {
        await call(`${ORGS}/VerifyOrganizationDomain`, { organizationId: orgId, domain: d });
        setChallenge(undefined);
        domains.reload();
      },
      t('domains.verified', { domain: d }),
    );
  /** @param {string} d */
  const remove = (d) =>
    action.run(async () => {
      await call(`${ORGS}/DeleteOrganizationDomain`, { organizationId: orgId, domain: d });
      domains.reload();
    });
  /** The org's primary domain names its users' login names: v1 SetPrimaryOrgDomain (v2beta has none). @param {string} d */
  const makePrimary = (d) =>
    action.run(
      async () => {
        await call('zitadel.management.v1.ManagementService/SetPrimaryOrgDomain', { domain: d }, { orgId });
        domains.reload();
      },
      t('domains.primarySet', { domain: d }),
    );
  /** @param {any} d */
  const actions = (d) => {
    if (!writable) return '';
    if (d.isVerified) {
      return d.isPrimary
        ? ''
        : html`<div class="actions">
            <button type="button" onClick=${() => makePrimary(d.domainName)}>${t('domains.makePrimary')}</button>
            <${ConfirmButton} label=${t('domains.remove')} question=${t('domains.removeConfirm', { domain: d.domainName })} onConfirm=${() => remove(d.domainName)} />
          </div>`;
    }
    return html`<div class="actions">
      <button type="button" onClick=${() => prove(d.domainName, 'HTTP')}>${t('domains.proveHttp')}</button>
      <button type="button" onClick=${() => prove(d.domainName, 'DNS')}>${t('domains.proveDns')}</button>
      <${ConfirmButton} label=${t('domains.remove')} question=${t('domains.removeConfirm', { domain: d.domainName })} onConfirm=${() => remove(d.domainName)} />
    </div>`;
  };
  return html`<div>
    <p><a href=${href('orgs')}>← ${t('orgs.title')}</a></p>
    <h1>${name}</h1>
    <${Section} title=${t('domains.title')}>
      <${LoadState} load=${domains} count=${list.length} />
      <${Table}
        head=${[t('domains.domain'), t('domains.state'), t('domains.primary'), html`<span class="sr-only">${t('domains.actions')}</span>`]}
        rows=${list.map((/** @type {any} */ d) => [
          d.domainName,
          d.isVerified ? t('users.verified') : t('users.unverified'),
          d.isPrimary ? t('domains.primary') : '',
          actions(d),
        ])} />
      ${
        challenge
          ? html`<div class="notice" role="region" aria-label=${t('domains.instructions')}>
            <p>${
              challenge.type === 'HTTP'
                ? t('domains.httpInstructions', { url: challenge.url })
                : t('domains.dnsInstructions', { name: challenge.url })
            }</p>
            <p><code data-testid="challenge-token">${challenge.token}</code></p>
            <button type="button" class="primary" onClick=${() => verify(challenge.domain)}>${t('domains.verify')}</button>
          </div>`
          : ''
      }
      ${
        writable
          ? html`<form onSubmit=${action.submit(add, t('domains.added', { domain }))} class="grid">
            <${Field} label=${t('domains.domain')} value=${domain} onInput=${setDomain} required />
            <div><button type="submit" class="primary">${t('domains.add')}</button></div>
          </form>`
          : ''
      }
      ${action.feedback}
    <//>
    <${Metadata}
      id=${orgId}
      list=${() => call(`${ORGS}/ListOrganizationMetadata`, { organizationId: orgId })}
      set=${(/** @type {{ key: string, value: string }} */ m) => call(`${ORGS}/SetOrganizationMetadata`, { organizationId: orgId, metadata: [m] })}
      remove=${(/** @type {string} */ key) => call(`${ORGS}/DeleteOrganizationMetadata`, { organizationId: orgId, keys: [key] })}
      writable=${writable} />
    ${can(session, 'org.member.read') ? html`<${Members} level=${orgLevel(orgId)} />` : ''}
  </div>`;
}
