import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import type { SecretGeneratorSchema } from '@zitadel/proto/zitadel/settings_pb.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../../platform/rpc/annotated-access.js';
import { durationOf, msOf } from '../../settings/settings.mapper.js';
import { objectDetailsV1 } from '../../settings/settings-v1.mapper.js';
import { listDetailsV1 } from '../providers/providers.mapper.js';
import { generatorType, generatorTypeNumber } from './generator-rules.js';
import { SecretGenerators, type EffectiveGenerator } from './generators.service.js';

/** ZITADEL's permissions (the descriptors' auth options). */
export const ADMIN_GENERATOR_ACCESS: AccessTable<typeof AdminService> = {
  getSecretGenerator: { permission: 'iam.read' },
  listSecretGenerators: { permission: 'iam.read' },
  updateSecretGenerator: { permission: 'iam.write' },
};

function generatorV1(g: EffectiveGenerator): MessageInitShape<typeof SecretGeneratorSchema> {
  return {
    generatorType: generatorTypeNumber(g.type),
    details: g.stored ? objectDetailsV1(g.stored) : undefined,
    length: g.length,
    expiry: durationOf(g.expiryMs),
    includeLowerLetters: g.includeLowerLetters,
    includeUpperLetters: g.includeUpperLetters,
    includeDigits: g.includeDigits,
    includeSymbols: g.includeSymbols,
  };
}

/** Transport edge of zitadel.admin.v1.AdminService's secret generators. */
@Injectable()
export class GeneratorsAdminHandler implements OnModuleInit {
  constructor(
    private readonly generators: SecretGenerators,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ADMIN_GENERATOR_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ADMIN_GENERATOR_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    getSecretGenerator: async (req, ctx) => ({
      secretGenerator: generatorV1(
        await this.generators.get(authenticatedCallerOf(ctx), generatorType(req.generatorType)),
      ),
    }),
    listSecretGenerators: async (req, ctx) => {
      const only = req.queries.map((q, i) =>
        generatorType(q.query.value?.generatorType ?? 0, `queries[${i}].type_query.generator_type`),
      );
      const listed = await this.generators.list(authenticatedCallerOf(ctx), only);
      return { details: listDetailsV1(BigInt(listed.length)), result: listed.map(generatorV1) };
    },
    updateSecretGenerator: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.generators.update(authenticatedCallerOf(ctx), generatorType(req.generatorType), {
          length: req.length,
          expiryMs: msOf(req.expiry),
          includeLowerLetters: req.includeLowerLetters,
          includeUpperLetters: req.includeUpperLetters,
          includeDigits: req.includeDigits,
          includeSymbols: req.includeSymbols,
        }),
      ),
    }),
  };
}
