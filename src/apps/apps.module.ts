import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module.js';
import { AppsHandler } from './apps.handler.js';
import { AppsV1Handler } from './apps-v1.handler.js';
import { AppsQueries } from './apps.queries.js';
import { AppsService } from './apps.service.js';
import { SamlMetadataFetcher } from './saml-metadata-fetcher.js';

/** Applications of projects (OIDC, API, SAML) and their keys; AppsQueries is what the OIDC and SAML layers read. */
@Module({
  imports: [ProjectsModule],
  providers: [AppsService, AppsQueries, AppsHandler, AppsV1Handler, SamlMetadataFetcher],
  exports: [AppsService, AppsQueries],
})
export class AppsModule {}
