import { create } from '@bufbuild/protobuf';
import { MessageCustomTextSchema, type MessageCustomText } from '@zitadel/proto/zitadel/text_pb.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { AnsweredMessageText } from './message-texts.service.js';

/** zitadel.text.v1.MessageCustomText; inherited or built-in texts carry no details of their own. */
export function messageCustomTextV1(answer: AnsweredMessageText): MessageCustomText {
  return create(MessageCustomTextSchema, {
    ...answer.fields,
    isDefault: answer.isDefault,
    details: answer.details ? objectDetailsV1(answer.details) : undefined,
  });
}
