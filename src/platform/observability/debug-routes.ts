import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HttpRoutes, sendText } from '../http/http-routes.js';
import { Metrics } from './metrics.js';

/** Liveness, readiness (the database answers) and Prometheus metrics, as ZITADEL's /debug. */
@Injectable()
export class DebugRoutes implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {}

  async ready(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  onModuleInit(): void {
    this.routes.mount('/debug/healthz', (_req, res) => sendText(res, 200, 'ok'));
    this.routes.mount('/debug/ready', async (_req, res) => {
      if (await this.ready()) sendText(res, 200, 'ok');
      else sendText(res, 412, 'database not reachable');
    });
    this.routes.mount('/debug/metrics', async (_req, res) => {
      sendText(res, 200, await this.metrics.registry.metrics(), this.metrics.registry.contentType);
    });
  }
}
