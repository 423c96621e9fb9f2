// The DataSource for the TypeORM CLI (e.g. `npx typeorm migration:show -d dist/ormconfig.js`).
// It reads PORTCULLIS_DATABASE_URL; the server itself also supports the embedded default.
import 'reflect-metadata';
import { createDataSource } from './src/platform/database/data-source.js';

const url = process.env.PORTCULLIS_DATABASE_URL;
if (!url) throw new Error('set PORTCULLIS_DATABASE_URL to use the TypeORM CLI');

export default createDataSource({ url });
