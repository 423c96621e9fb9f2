import { createHash } from 'node:crypto';
import type { JsonObject } from '@bufbuild/protobuf';
import { Injectable } from '@nestjs/common';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { systemTranslations } from './hosted-login-texts.js';
import { Policies } from './policies.queries.js';
import { canonicalLocale, mergeTranslations } from './settings-rules.js';
import { SettingsService, type TranslationLevel } from './settings.service.js';
import * as errors from './settings.errors.js';

const TRANSLATION_KIND = 'hosted_login_translation:';

/** The settings_policies kind of the translations of a locale. */
export function translationKind(locale: string): string {
  return TRANSLATION_KIND + locale;
}

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
  /** What the login pages read on every page, kept as the settings are (until the instance changes). */
  private readonly pageTexts: ReadCache<Record<string, unknown>>;

  constructor(
    private readonly settings: SettingsService,
    private readonly policies: Policies,
    feed: ChangeFeed,
  ) {
    this.pageTexts = feed.cache({ name: 'hosted_login_page_texts' });
  }

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
    const inherits = !(ignoreInheritance && level.kind !== 'system');
    const defaultLanguage = inherits
      ? (await this.policies.resolve('general', caller.instance.id)).settings.defaultLanguage
      : '';
    const builtIn = inherits ? systemTranslations(locale, defaultLanguage) : {};
    const translations = await this.overrides(caller.instance.id, owners, locale, builtIn);
    return { translations: translations as JsonObject, etag: etagOf(translations) };
  }

  /**
   * The instance's and the org's custom translations of a locale, without the built-in ones: what
   * the login pages show instead of their own wording. Display texts only, so no caller check.
   */
  customFor(instanceId: string, orgId: string, locale: string): Promise<Record<string, unknown>> {
    return this.pageTexts.get(instanceId, `${orgId}/${locale}`, () =>
      this.overrides(instanceId, [...new Set([instanceId, orgId])], locale, {}),
    );
  }

  /** The owners' rows merged over `base` in order; the base language first, then the exact tag. */
  private async overrides(
    instanceId: string,
    owners: readonly string[],
    locale: string,
    base: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    // `de-CH` inherits what `de` says.
    const kinds = [...new Set([locale.split('-')[0], locale])].map((l) => TRANSLATION_KIND + l);
    const rows = await this.settings.ownedRows(instanceId, kinds, owners);
    let translations = base;
    for (const owner of owners) {
      for (const kind of kinds) {
        const row = rows.find((r) => r.owner === owner && r.kind === kind);
        if (row) translations = mergeTranslations(translations, row.body);
      }
    }
    return translations;
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
