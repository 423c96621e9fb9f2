import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../platform/rpc/call-context.js';
import {
  builtInMessageText,
  mergeMessageTexts,
  messageTextBody,
  messageTextKind,
  type MessageTextField,
  type MessageTextFields,
  type MessageTextType,
} from './message-texts.js';
import { canonicalLocale } from './settings-rules.js';
import { rowDetails, SettingsService, type ChangeDetails, type TranslationLevel } from './settings.service.js';
import * as errors from './settings.errors.js';

type Level = Exclude<TranslationLevel, { kind: 'system' }>;

/** A message text as the v1 API answers it; `isDefault` when the level has none of its own. */
export interface AnsweredMessageText {
  readonly fields: MessageTextFields;
  readonly isDefault: boolean;
  readonly details?: ChangeDetails;
}

/** A request's language as a canonical tag; INVALID_ARGUMENT naming `language` otherwise. */
export function language(raw: string): string {
  const locale = canonicalLocale(raw);
  if (!locale) throw errors.invalidLocale('language');
  return locale;
}

/**
 * Custom message texts of the instance and its orgs (ZITADEL's SetDefaultMessageText /
 * SetOrgMessageText): an org's text overrides the instance's field by field, which overrides the
 * built-in wording. Notifications read the same rows through `forNotification`.
 */
@Injectable()
export class MessageTextsService {
  constructor(private readonly settings: SettingsService) {}

  /** The built-in wording (admin GetDefault…MessageText). */
  builtIn(type: MessageTextType, rawLanguage: string): AnsweredMessageText {
    language(rawLanguage);
    return { fields: builtInMessageText(type), isDefault: true };
  }

  /** What the instance's orgs inherit: the instance's custom texts over the built-in ones (management GetDefault…). */
  async instanceDefault(caller: Caller, type: MessageTextType, rawLanguage: string): Promise<AnsweredMessageText> {
    const kind = messageTextKind(type, language(rawLanguage));
    const [row] = await this.settings.ownedRows(caller.instance.id, [kind], [caller.instance.id]);
    return { fields: this.complete(type, row?.body), isDefault: true };
  }

  /** The level's own texts, or what it inherits marked `isDefault` (GetCustom…MessageText). */
  async custom(caller: Caller, level: Level, type: MessageTextType, rawLanguage: string): Promise<AnsweredMessageText> {
    const kind = messageTextKind(type, language(rawLanguage));
    if (level.kind === 'instance') this.settings.requireInstanceRead(caller);
    else await this.settings.checkOrgReadable(caller, level.orgId);
    const owners = [caller.instance.id, ...(level.kind === 'org' ? [level.orgId] : [])];
    const rows = await this.settings.ownedRows(caller.instance.id, [kind], owners);
    const own = rows.find((r) => r.owner === owners[owners.length - 1]);
    if (own)
      return {
        fields: messageTextBody(own.body as Partial<Record<MessageTextField, string>>),
        isDefault: false,
        details: rowDetails(own),
      };
    return { fields: this.complete(type, rows.find((r) => r.owner === caller.instance.id)?.body), isDefault: true };
  }

  set(
    caller: Caller,
    level: Level,
    type: MessageTextType,
    rawLanguage: string,
    input: Partial<Record<MessageTextField, string>>,
  ): Promise<ChangeDetails> {
    const lang = language(rawLanguage);
    const body = messageTextBody(input);
    return this.settings.putOwnedRow(
      caller,
      level,
      messageTextKind(type, lang),
      body,
      { type: 'customtext.set', payload: { template: type, language: lang, ...body } },
      errors.messageTextNotFound,
    );
  }

  /** Removes the level's texts of the type and language; NotFound when it has none. */
  reset(caller: Caller, level: Level, type: MessageTextType, rawLanguage: string): Promise<ChangeDetails> {
    const lang = language(rawLanguage);
    return this.settings.putOwnedRow(
      caller,
      level,
      messageTextKind(type, lang),
      undefined,
      { type: 'customtext.template.removed', payload: { template: type, language: lang } },
      errors.messageTextNotFound,
    );
  }

  /**
   * The custom fields a notification of an org uses (the org's over the instance's), without the
   * built-in ones; a language that is not a valid tag has none.
   */
  async forNotification(
    db: EntityManager,
    instanceId: string,
    orgId: string,
    type: MessageTextType,
    rawLanguage: string,
  ): Promise<Partial<MessageTextFields>> {
    const lang = canonicalLocale(rawLanguage);
    if (!lang) return {};
    const rows = await this.settings.ownedRows(instanceId, [messageTextKind(type, lang)], [instanceId, orgId], db);
    return mergeMessageTexts(
      rows.find((r) => r.owner === instanceId)?.body,
      rows.find((r) => r.owner === orgId && orgId !== instanceId)?.body,
    );
  }

  private complete(type: MessageTextType, instanceBody: Record<string, unknown> | undefined): MessageTextFields {
    return messageTextBody(mergeMessageTexts(builtInMessageText(type), instanceBody));
  }
}
