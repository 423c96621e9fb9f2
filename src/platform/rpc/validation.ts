import type { DescMessage, Message } from '@bufbuild/protobuf';
import type { FieldViolation } from '../errors/domain-error.js';

/** Checks a message against the validate.rules options its descriptor carries. */
export function validateMessage(_schema: DescMessage, _message: Message): FieldViolation[] {
  return []; // TODO(VALID): being built from the descriptors' validate.rules
}
