import { pino, type Logger } from 'pino';

/** JSON logs; authorization headers and anything named like a secret are redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'portcullis' },
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.token', '*.secret', 'password', 'token', 'secret'],
      censor: '[redacted]',
    },
  });
}
