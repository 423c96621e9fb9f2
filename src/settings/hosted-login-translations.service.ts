import { createHash } from 'node:crypto';
import type { JsonObject } from '@bufbuild/protobuf';
import { Injectable } from '@nestjs/common';
import type { Caller } from '../platform/rpc/call-context.js';
import { systemTranslations } from './hosted-login-texts.js';
import { Policies } from './policies.queries.js';
import { canonicalLocale, mergeTranslations } from './settings-rules.js';
import { SettingsService, type TranslationLevel } from './settings.service.js';
import * as errors from './settings.errors.js';

const TRANSLATION_KIND = 'hosted_login_translation:';

function etagOf(translations: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(translations)).digest('hex').slice(0, 32);
}

function localeOf(raw: string): string {
  const locale = canonicalLocale(raw);
  if (!locale) throw errors.invalidLocale('locale');
  return locale;
}

/**
 * The hosted login's translations (GetHostedLoginTranslation / SetHostedLoginTranslation): the
 * built-in texts, overridden per locale by the instance, then by an org, stored as
 * `hosted_login_translation:<locale>` rows of settings_policies.
 */
@Injectable()
export class HostedLoginTranslationsService {
  constructor(
    private readonly settings: SettingsService,
    private readonly policies: Policies,
  ) {}

  async get(
    caller: Caller,
    level: TranslationLevel,
    rawLocale: string,
    ignoreInheritance: boolean,
  ): Promise<{ translations: JsonObject; etag: string }> {
    const locale = localeOf(rawLocale);
    if (level.kind === 'org') await this.settings.checkOrgReadable(caller, level.orgId);
    const owners: string[] = [];
    if (level.kind !== 'system' && !(ignoreInheritance && level.kind === 'org')) owners.push(caller.instance.id);
    if (level.kind === 'org') owners.push(level.orgId);
    // The base language first, then the exact tag: `de-CH` inherits what `de` says.
    const base = locale.split('-')[0];
    const kinds = [...new Set([base, locale])].map((l) => TRANSLATION_KIND + l);
    const rows = await this.settings.ownedRows(caller.instance.id, kinds, owners);
    const inherits = !(ignoreInheritance && level.kind !== 'system');
    const defaultLanguage = inherits
      ? (await this.policies.resolve('general', caller.instance.id)).settings.defaultLanguage
      : '';
    let translations: Record<string, unknown> = inherits ? systemTranslations(locale, defaultLanguage) : {};
    for (const owner of owners) {
      for (const kind of kinds) {
        const row = rows.find((r) => r.owner === owner && r.kind === kind);
        if (row) translations = mergeTranslations(translations, row.body);
      }
    }
    return { translations: translations as JsonObject, etag: etagOf(translations) };
  }

  async set(
    caller: Caller,
    level: Exclude<TranslationLevel, { kind: 'system' }>,
    rawLocale: string,
    translations: JsonObject,
  ): Promise<{ etag: string }> {
    const locale = localeOf(rawLocale);
    await this.settings.putOwnedRow(
      caller,
      level,
      TRANSLATION_KIND + locale,
      translations,
      { type: 'hosted_login_translation.set', payload: { locale } },
      errors.orgNotFound,
    );
    return { etag: etagOf(translations) };
  }
}
