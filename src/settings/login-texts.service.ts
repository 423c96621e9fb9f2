import { Injectable } from '@nestjs/common';
import type { Caller } from '../platform/rpc/call-context.js';
import { systemTranslations } from './hosted-login-texts.js';
import { translationKind } from './hosted-login-translations.service.js';
import {
  eventKey,
  LOGIN_TEXT_FIELDS,
  loginTextsOf,
  withLoginTexts,
  withoutLoginTexts,
  type LoginTexts,
} from './login-texts.js';
import { language } from './message-texts.service.js';
import { mergeTranslations } from './settings-rules.js';
import {
  rowDetails,
  SettingsService,
  type ChangeDetails,
  type OwnedRowEvent,
  type TranslationLevel,
} from './settings.service.js';
import * as errors from './settings.errors.js';

type Level = Exclude<TranslationLevel, { kind: 'system' }>;

/** Login texts as the v1 API answers them; `isDefault` when the level has none of its own. */
export interface AnsweredLoginTexts {
  readonly texts: LoginTexts;
  readonly isDefault: boolean;
  readonly details?: ChangeDetails;
}

/** ZITADEL's template name of the login texts in its `customtext.*` events. */
const TEMPLATE = 'Login';

/**
 * ZITADEL's custom login texts (SetCustomLoginText, ResetCustomLoginTextToDefault) kept in the
 * hosted login's translations of the instance or an org, so the login shows them: each changed
 * field is a `customtext.set` or `customtext.removed` event, a reset `customtext.template.removed`.
 */
@Injectable()
export class LoginTextsService {
  constructor(private readonly settings: SettingsService) {}

  /** The built-in texts of a language (admin GetDefaultLoginTexts). */
  builtIn(rawLanguage: string): AnsweredLoginTexts {
    const lang = language(rawLanguage);
    return { texts: loginTextsOf(systemTranslations(lang, 'en')), isDefault: true };
  }

  /** What orgs inherit: the instance's texts over the built-in ones (management GetDefaultLoginTexts). */
  async instanceDefault(caller: Caller, rawLanguage: string): Promise<AnsweredLoginTexts> {
    const lang = language(rawLanguage);
    const [row] = await this.settings.ownedRows(caller.instance.id, [translationKind(lang)], [caller.instance.id]);
    return { texts: this.inherited(lang, row?.body), isDefault: true };
  }

  /** The level's own texts, or what it inherits marked `isDefault` (GetCustomLoginTexts). */
  async custom(caller: Caller, level: Level, rawLanguage: string): Promise<AnsweredLoginTexts> {
    const lang = language(rawLanguage);
    if (level.kind === 'instance') this.settings.requireInstanceRead(caller);
    else await this.settings.checkOrgReadable(caller, level.orgId);
    const owners = [caller.instance.id, ...(level.kind === 'org' ? [level.orgId] : [])];
    const rows = await this.settings.ownedRows(caller.instance.id, [translationKind(lang)], owners);
    const own = rows.find((r) => r.owner === owners[owners.length - 1]);
    const texts = loginTextsOf(own?.body);
    if (own && Object.keys(texts).length)
      return {
        texts,
        isDefault: false,
        details: rowDetails(own),
      };
    const instanceBody = level.kind === 'org' ? rows.find((r) => r.owner === caller.instance.id)?.body : undefined;
    return { texts: this.inherited(lang, instanceBody), isDefault: true };
  }

  /** Replaces the level's texts of the language: a field left empty is removed (ZITADEL's SetCustomLoginText). */
  set(
    caller: Caller,
    level: Level,
    rawLanguage: string,
    texts: Readonly<Record<string, string>>,
  ): Promise<ChangeDetails> {
    const lang = language(rawLanguage);
    return this.settings.changeOwnedRow(caller, level, translationKind(lang), 'write', (stored) => {
      const before = loginTextsOf(stored);
      const events: OwnedRowEvent[] = [];
      for (const field of LOGIN_TEXT_FIELDS) {
        const next = texts[field] ?? '';
        if ((before[field] ?? '') === next) continue;
        const key = eventKey(field);
        events.push(
          next
            ? { type: 'customtext.set', payload: { template: TEMPLATE, key, language: lang, text: next } }
            : { type: 'customtext.removed', payload: { template: TEMPLATE, key, language: lang } },
        );
      }
      const body = withLoginTexts(stored, texts);
      return { body: Object.keys(body).length ? body : undefined, events };
    });
  }

  /** Removes the level's login texts of the language, keeping its other translations; NotFound when it has none. */
  reset(caller: Caller, level: Level, rawLanguage: string): Promise<ChangeDetails> {
    const lang = language(rawLanguage);
    return this.settings.changeOwnedRow(caller, level, translationKind(lang), 'delete', (stored) => {
      if (!Object.keys(loginTextsOf(stored)).length) throw errors.loginTextNotFound();
      const body = withoutLoginTexts(stored);
      return {
        body: Object.keys(body).length ? body : undefined,
        events: [{ type: 'customtext.template.removed', payload: { template: TEMPLATE, language: lang } }],
      };
    });
  }

  private inherited(lang: string, instanceBody: Record<string, unknown> | undefined): LoginTexts {
    return loginTextsOf(mergeTranslations(systemTranslations(lang, 'en'), instanceBody ?? {}));
  }
}
