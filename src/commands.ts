// The CLI's commands; src/cli.ts loads this module once boot-heap.ts has run.
import 'reflect-metadata';
import { letYoungGenerationGrow } from './boot-heap.js';
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from './platform/config/config.js';
import { openDatabase } from './platform/database/database.js';
import { createLogger } from './platform/logging/logger.js';
import { startServer } from './server.js';

function configFrom(options: { config?: string }): Config {
  try {
    return loadConfig(process.env, options.config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portcullis: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

const program = new Command('portcullis')
  .description("Identity and access management server speaking ZITADEL's v2 API")
  .option('-c, --config <file>', 'YAML file with settings (environment variables win)');

program
  .command('start')
  .description('run the server (embedded PostgreSQL unless PORTCULLIS_DATABASE_URL is set)')
  .action(async () => {
    const config = configFrom(program.opts());
    const log = createLogger(config.logLevel);
    const server = await startServer(config, log).catch((err: unknown) => {
      log.fatal({ err }, 'start-up failed');
      process.exit(1);
    });
    letYoungGenerationGrow();
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      server
        .close()
        .then(() => process.exit(0))
        .catch((err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = configFrom(program.opts());
    const log = createLogger(config.logLevel);
    const db = await openDatabase(config, log);
    await db.close();
    log.info('migrations are up to date');
  });

program
  .command('ready')
  .description('exit 0 when the server answers ready (for container health checks)')
  .action(async () => {
    const config = configFrom(program.opts());
    const url = `http://127.0.0.1:${config.port}/debug/ready`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      process.exit(res.status === 200 ? 0 : 1);
    } catch {
      process.exit(1);
    }
  });

await program.parseAsync(process.argv);
