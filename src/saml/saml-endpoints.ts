import type { Element as XmlElement } from '@xmldom/xmldom';
import type { SpDescription, SpEndpoint } from './saml-entities.js';
import { acsNotRegistered, unsupportedBinding } from './saml.errors.js';
import { BINDING, NAMEID, NS, SUPPORTED_NAMEID_FORMATS } from './saml-xml.js';

/** What an AuthnRequest asks for (SAML core §3.4.1), read from the checked root element. */
export interface AuthnRequestAsk {
  readonly id: string;
  readonly version: string;
  readonly issueInstant: string;
  readonly destination?: string;
  readonly acsUrl?: string;
  readonly acsIndex?: number;
  readonly protocolBinding?: string;
  readonly nameIdFormat?: string;
  /** Authenticate the user anew rather than rely on an earlier sign-in (§3.4.1). */
  readonly forceAuthn: boolean;
  /** Do not take over the user interface (§3.4.1). */
  readonly isPassive: boolean;
}

function attr(el: XmlElement, name: string): string | undefined {
  const v = el.getAttribute(name);
  return v === null || v === '' ? undefined : v;
}

/** An xs:boolean attribute ("true" or "1"), false when absent. */
function flag(el: XmlElement, name: string): boolean {
  const v = attr(el, name);
  return v === 'true' || v === '1';
}

export function readAuthnRequest(root: XmlElement): AuthnRequestAsk {
  const policy = root.getElementsByTagNameNS(NS.protocol, 'NameIDPolicy')[0] as unknown as XmlElement | undefined;
  const index = attr(root, 'AssertionConsumerServiceIndex');
  return {
    id: attr(root, 'ID') ?? '',
    version: attr(root, 'Version') ?? '',
    issueInstant: attr(root, 'IssueInstant') ?? '',
    destination: attr(root, 'Destination'),
    acsUrl: attr(root, 'AssertionConsumerServiceURL'),
    acsIndex: index === undefined ? undefined : Number(index),
    protocolBinding: attr(root, 'ProtocolBinding'),
    nameIdFormat: policy ? attr(policy, 'Format') : undefined,
    forceAuthn: flag(root, 'ForceAuthn'),
    isPassive: flag(root, 'IsPassive'),
  };
}

const bindingOf = (urn: string | undefined) =>
  urn === BINDING.post ? 'post' : urn === BINDING.redirect ? 'redirect' : undefined;

/**
 * Where the response goes (SAML profiles §4.1.4.1): only to an endpoint the SP's metadata
 * registers. An index names one; a URL must match a registered Location exactly (with the asked
 * binding when there is one on that URL); without either, the default endpoint.
 */
export function resolveAcs(
  sp: SpDescription,
  ask: Pick<AuthnRequestAsk, 'acsUrl' | 'acsIndex' | 'protocolBinding'>,
): SpEndpoint {
  const all = sp.assertionConsumerServices;
  if (all.length === 0) throw unsupportedBinding();
  const wanted = bindingOf(ask.protocolBinding);
  if (ask.acsIndex !== undefined) {
    const byIndex = all.find((e) => e.index === ask.acsIndex);
    if (!byIndex) throw acsNotRegistered();
    return byIndex;
  }
  if (ask.acsUrl !== undefined) {
    const matches = all.filter((e) => e.location === ask.acsUrl);
    if (matches.length === 0) throw acsNotRegistered();
    return matches.find((e) => e.binding === wanted) ?? matches[0];
  }
  return (
    all.find((e) => e.isDefault) ??
    all.find((e) => e.binding === wanted) ??
    all.find((e) => e.binding === 'post') ??
    all[0]
  );
}

/**
 * The NameID format to answer with: the one asked for (unspecified leaves it to us), else the
 * first the SP metadata lists that we support, else unspecified (the login name). Undefined
 * when the SP asks for a format we do not issue.
 */
export function resolveNameIdFormat(sp: SpDescription, asked: string | undefined): string | undefined {
  if (asked && asked !== NAMEID.unspecified) return SUPPORTED_NAMEID_FORMATS.includes(asked) ? asked : undefined;
  return sp.nameIdFormats.find((f) => SUPPORTED_NAMEID_FORMATS.includes(f)) ?? NAMEID.unspecified;
}

/** The SP's SingleLogoutService for a reply: the binding the message came by if registered. */
export function resolveSlo(sp: SpDescription, binding: 'post' | 'redirect'): SpEndpoint | undefined {
  return sp.singleLogoutServices.find((e) => e.binding === binding) ?? sp.singleLogoutServices[0];
}
