import type { DescService } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { LoginCustomTextSchema, type LoginCustomText } from '@zitadel/proto/zitadel/text_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { LOGIN_TEXT_SCREENS } from './login-texts.js';
import { LoginTextsService, type AnsweredLoginTexts } from './login-texts.service.js';

type Screens = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

/** The request's screens as `screen.field` -> text. */
function textsOf(req: Screens): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [screen, fields] of Object.entries(LOGIN_TEXT_SCREENS))
    for (const field of fields) {
      const value = req[screen]?.[field];
      if (typeof value === 'string') texts[`${screen}.${field}`] = value;
    }
  return texts;
}

/** zitadel.text.v1.LoginCustomText; inherited or built-in texts carry no details of their own. */
function loginCustomTextV1(answer: AnsweredLoginTexts): LoginCustomText {
  const screens: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(answer.texts)) {
    const [screen, field] = key.split('.');
    screens[screen] = { ...screens[screen], [field]: value };
  }
  return create(LoginCustomTextSchema, {
    ...screens,
    isDefault: answer.isDefault,
    details: answer.details ? objectDetailsV1(answer.details) : undefined,
  } as never);
}

type Request = Screens & { readonly language: string };
const instance = { kind: 'instance' } as const;
const orgLevel = (ctx: HandlerContext) => {
  const { caller, orgId } = v1OrgOf(ctx);
  return { caller, level: { kind: 'org', orgId } as const };
};

/**
 * Transport edge of the v1 custom login texts: the admin API edits the instance's, the
 * management API the org's.
 */
@Injectable()
export class LoginTextsHandler implements OnModuleInit {
  constructor(
    private readonly texts: LoginTextsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.bind(
      AdminService,
      {
        getDefaultLoginTexts: { permission: 'iam.policy.read' },
        getCustomLoginTexts: { permission: 'iam.policy.read' },
        setCustomLoginText: { permission: 'iam.policy.write' },
        resetCustomLoginTextToDefault: { permission: 'iam.policy.delete' },
      },
      {
        getDefaultLoginTexts: async (req: Request) => ({
          customText: loginCustomTextV1(this.texts.builtIn(req.language)),
        }),
        getCustomLoginTexts: async (req: Request, ctx: HandlerContext) => ({
          customText: loginCustomTextV1(await this.texts.custom(authenticatedCallerOf(ctx), instance, req.language)),
        }),
        setCustomLoginText: async (req: Request, ctx: HandlerContext) => ({
          details: objectDetailsV1(
            await this.texts.set(authenticatedCallerOf(ctx), instance, req.language, textsOf(req)),
          ),
        }),
        resetCustomLoginTextToDefault: async (req: Request, ctx: HandlerContext) => ({
          details: objectDetailsV1(await this.texts.reset(authenticatedCallerOf(ctx), instance, req.language)),
        }),
      },
    );
    this.bind(
      ManagementService,
      {
        getDefaultLoginTexts: { permission: 'policy.read' },
        getCustomLoginTexts: { permission: 'policy.read' },
        setCustomLoginText: { permission: 'policy.write' },
        resetCustomLoginTextToDefault: { permission: 'policy.delete' },
      },
      {
        getDefaultLoginTexts: async (req: Request, ctx: HandlerContext) => ({
          customText: loginCustomTextV1(await this.texts.instanceDefault(authenticatedCallerOf(ctx), req.language)),
        }),
        getCustomLoginTexts: async (req: Request, ctx: HandlerContext) => {
          const { caller, level } = orgLevel(ctx);
          return { customText: loginCustomTextV1(await this.texts.custom(caller, level, req.language)) };
        },
        setCustomLoginText: async (req: Request, ctx: HandlerContext) => {
          const { caller, level } = orgLevel(ctx);
          return { details: objectDetailsV1(await this.texts.set(caller, level, req.language, textsOf(req))) };
        },
        resetCustomLoginTextToDefault: async (req: Request, ctx: HandlerContext) => {
          const { caller, level } = orgLevel(ctx);
          return { details: objectDetailsV1(await this.texts.reset(caller, level, req.language)) };
        },
      },
    );
  }

  private bind<S extends DescService>(service: S, access: AccessTable<S>, impl: object): void {
    assertMatchesAnnotations(service, access);
    this.registry.register({ service, impl: impl as Partial<ServiceImpl<S>>, access });
  }
}
