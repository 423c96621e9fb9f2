import type { DescService } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf, type AuthenticatedCaller } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable, type MethodAccess } from '../platform/rpc/registry.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { MESSAGE_TEXT_TYPES, RPC_NAMES, type MessageTextField, type MessageTextType } from './message-texts.js';
import { messageCustomTextV1 } from './message-texts.mapper.js';
import { MessageTextsService } from './message-texts.service.js';

interface TextRequest extends Partial<Record<MessageTextField, string>> {
  readonly language: string;
}
type Method = (req: TextRequest, ctx: HandlerContext) => Promise<unknown>;

/** One v1 method per verb and message type, named as ZITADEL's contract names it. */
interface Verbs {
  readonly names: (rpc: string, type: MessageTextType) => string;
  readonly access: MethodAccess;
  readonly method: (type: MessageTextType) => Method;
}

/** The four methods of each verb for every type: name -> access and implementation. */
function methodsOf(verbs: readonly Verbs[]): { access: Record<string, MethodAccess>; impl: Record<string, Method> } {
  const access: Record<string, MethodAccess> = {};
  const impl: Record<string, Method> = {};
  for (const type of MESSAGE_TEXT_TYPES)
    for (const verb of verbs) {
      const name = verb.names(RPC_NAMES[type], type);
      access[name] = verb.access;
      impl[name] = verb.method(type);
    }
  return { access, impl };
}

/** ZITADEL names the management setters of the later types `SetCustom…MessageCustomText`. */
const CUSTOM_TEXT_SETTERS: readonly MessageTextType[] = [
  'DomainClaimed',
  'PasswordlessRegistration',
  'PasswordChange',
  'InviteUser',
];

const instance = { kind: 'instance' } as const;

/**
 * Transport edge of the message texts in v1: the admin API edits the instance's (its
 * "default") texts, the management API the org's, each reading the built-in wording and what it
 * inherits.
 */
@Injectable()
export class MessageTextsHandler implements OnModuleInit {
  constructor(
    private readonly texts: MessageTextsService,
    private readonly registry: RpcRegistry,
  ) {}

  readonly admin = methodsOf([
    {
      names: (r) => `getDefault${r}MessageText`,
      access: { permission: 'iam.policy.read' },
      method: (type) => async (req) => ({ customText: messageCustomTextV1(this.texts.builtIn(type, req.language)) }),
    },
    {
      names: (r) => `getCustom${r}MessageText`,
      access: { permission: 'iam.policy.read' },
      method: (type) => async (req, ctx) => ({
        customText: messageCustomTextV1(
          await this.texts.custom(authenticatedCallerOf(ctx), instance, type, req.language),
        ),
      }),
    },
    {
      names: (r) => `setDefault${r}MessageText`,
      access: { permission: 'iam.policy.write' },
      method: (type) => async (req, ctx) => ({
        details: objectDetailsV1(await this.texts.set(authenticatedCallerOf(ctx), instance, type, req.language, req)),
      }),
    },
    {
      names: (r) => `resetCustom${r}MessageTextToDefault`,
      access: { permission: 'iam.policy.delete' },
      method: (type) => async (req, ctx) => ({
        details: objectDetailsV1(await this.texts.reset(authenticatedCallerOf(ctx), instance, type, req.language)),
      }),
    },
  ]);

  readonly management = methodsOf([
    {
      names: (r) => `getDefault${r}MessageText`,
      access: { permission: 'policy.read' },
      method: (type) => async (req, ctx) => ({
        customText: messageCustomTextV1(
          await this.texts.instanceDefault(authenticatedCallerOf(ctx), type, req.language),
        ),
      }),
    },
    {
      names: (r) => `getCustom${r}MessageText`,
      access: { permission: 'policy.read' },
      method: (type) => async (req, ctx) => {
        const { caller, level } = orgLevel(ctx);
        return { customText: messageCustomTextV1(await this.texts.custom(caller, level, type, req.language)) };
      },
    },
    {
      names: (r, type) => `setCustom${r}Message${CUSTOM_TEXT_SETTERS.includes(type) ? 'Custom' : ''}Text`,
      access: { permission: 'policy.write' },
      method: (type) => async (req, ctx) => {
        const { caller, level } = orgLevel(ctx);
        return { details: objectDetailsV1(await this.texts.set(caller, level, type, req.language, req)) };
      },
    },
    {
      names: (r) => `resetCustom${r}MessageTextToDefault`,
      access: { permission: 'policy.delete' },
      method: (type) => async (req, ctx) => {
        const { caller, level } = orgLevel(ctx);
        return { details: objectDetailsV1(await this.texts.reset(caller, level, type, req.language)) };
      },
    },
  ]);

  onModuleInit(): void {
    this.bind(AdminService, this.admin);
    this.bind(ManagementService, this.management);
  }

  private bind<S extends DescService>(service: S, methods: ReturnType<typeof methodsOf>): void {
    for (const name of Object.keys(methods.impl))
      if (!(name in service.method)) throw new Error(`${service.typeName} has no method ${name}`);
    const access = methods.access as AccessTable<S>;
    assertMatchesAnnotations(service, access);
    this.registry.register({ service, impl: methods.impl as unknown as Partial<ServiceImpl<S>>, access });
  }
}

function orgLevel(ctx: HandlerContext): { caller: AuthenticatedCaller; level: { kind: 'org'; orgId: string } } {
  const { caller, orgId } = v1OrgOf(ctx);
  return { caller, level: { kind: 'org', orgId } };
}
