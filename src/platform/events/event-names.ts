/**
 * How event and aggregate types are shown: Portcullis writes ZITADEL's names (`user.human.added`,
 * `org.member.added` on the `org` aggregate, `project.application.added` on `project` …), so
 * ListEvents, ListEventTypes and the change lists show them unchanged. These types exist only in
 * Portcullis (no ZITADEL counterpart) and show under their own names.
 */
export const PORTCULLIS_ONLY_EVENT_TYPES: readonly string[] = [
  'user.code.check.failed',
  'user.code.spent',
  'oidc.token.revoked',
  'org.domain.generated.changed',
  'execution.event.dropped',
];

/**
 * ZITADEL's zitadel.v1.LocalizedMessage for a type: its i18n key (`EventTypes.user.human.added`,
 * `AggregateTypes.user`). No translations are shipped, so the message is the type itself.
 */
export function localizedType(kind: 'EventTypes' | 'AggregateTypes', type: string) {
  return { key: `${kind}.${type}`, localizedMessage: type };
}
