#!/usr/bin/env node
// CommonJS on purpose: an ES module entry point has libuv's thread pool started (4 threads)
// before its first line runs, and the pool reads its size once, when it starts.
//
// Password hashes (argon2id, @node-rs/argon2) run on that pool. On a 2-vCPU machine four 19 MiB
// hashes took turns on two cores, evicting each other from the caches (~1.5 ms more CPU per
// sign-in, about a tenth), and on more than 4 cores sign-ins could never use the rest. So the
// pool gets a thread per CPU this process may use (at least 2, so a slow job never holds all
// of it), unless UV_THREADPOOL_SIZE says otherwise.
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, availableParallelism()));

// Node parses every module of a static import graph before it runs any of them, and parsing the
// server's modules is most of its start-up allocation: so boot-heap.js must run in a graph of its
// own, and the commands load after it.
void import('./boot-heap.js').then(() => import('./commands.js'));
