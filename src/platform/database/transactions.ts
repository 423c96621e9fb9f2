import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Runs a unit of work in one transaction: state changes and their audit events commit together
 * or not at all. */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  /** With `outer`, joins that transaction (a larger unit of work, e.g. bootstrap) instead. */
  run<T>(work: (tx: EntityManager) => Promise<T>, outer?: EntityManager): Promise<T> {
    return outer ? work(outer) : this.dataSource.transaction('READ COMMITTED', work);
  }

  get reader(): EntityManager {
    return this.dataSource.manager;
  }
}
