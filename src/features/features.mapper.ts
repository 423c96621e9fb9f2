import { create } from '@bufbuild/protobuf';
import {
  Source,
  type FeatureFlag,
  type ImprovedPerformanceFeatureFlag,
  type LoginV2FeatureFlag,
} from '@zitadel/proto/zitadel/feature/v2/feature_pb.js';
import { DetailsSchema, type Details } from '@zitadel/proto/zitadel/object/v2/object_pb.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import {
  BOOLEAN_FLAGS,
  type FeatureLevel,
  type FeatureName,
  type FeatureValues,
  type ResolvedFeatures,
} from './feature-flags.js';
import type { FeatureDetails } from './features.service.js';

const SOURCE: Record<FeatureLevel, Source> = {
  system: Source.SYSTEM,
  instance: Source.INSTANCE,
  organization: Source.ORGANIZATION,
  user: Source.USER,
};

/** The flag fields of a Set request (system and instance share names and meaning). */
interface SetRequestFlags {
  readonly improvedPerformance: readonly number[];
  readonly loginV2?: { readonly required: boolean; readonly baseUri?: string };
}

/**
 * The flags a Set request names: optional booleans that are present, a non-empty list of
 * execution paths, and login v2 when given. Absent fields leave the stored value as it is.
 */
export function requestedFlags(req: SetRequestFlags, names: readonly FeatureName[]): FeatureValues {
  const values: Record<string, unknown> = {};
  const fields = req as unknown as Record<string, unknown>;
  for (const name of BOOLEAN_FLAGS) {
    if (names.includes(name) && typeof fields[name] === 'boolean') values[name] = fields[name];
  }
  if (names.includes('improvedPerformance') && req.improvedPerformance.length)
    values.improvedPerformance = [...new Set(req.improvedPerformance)].sort();
  if (names.includes('loginV2') && req.loginV2)
    values.loginV2 = {
      required: req.loginV2.required,
      ...(req.loginV2.baseUri ? { baseUri: req.loginV2.baseUri } : {}),
    };
  return values as FeatureValues;
}

type FlagFields = Record<string, FeatureFlag | LoginV2FeatureFlag | ImprovedPerformanceFeatureFlag>;

/**
 * Every flag the level's Get answer has, each with its value and source; a flag no level sets
 * is disabled with source unspecified, as ZITADEL answers it.
 */
export function flagFields(features: ResolvedFeatures, names: readonly FeatureName[]): FlagFields {
  const fields: Record<string, unknown> = {};
  for (const name of names) {
    const flag = features[name];
    const source = flag ? SOURCE[flag.source] : Source.UNSPECIFIED;
    if (name === 'loginV2') {
      const login = features.loginV2?.value;
      fields[name] = { required: login?.required ?? false, baseUri: login?.baseUri, source };
    } else if (name === 'improvedPerformance') {
      fields[name] = { executionPaths: [...(features.improvedPerformance?.value ?? [])], source };
    } else {
      fields[name] = { enabled: flag?.value === true, source };
    }
  }
  return fields as FlagFields;
}

export function featureDetails(d: FeatureDetails): Details {
  return create(DetailsSchema, { sequence: d.sequence, changeDate: ts(d.changeDate), resourceOwner: d.resourceOwner });
}
