#!/usr/bin/env node
// Node parses every module of a static import graph before it runs any of them, and parsing the
// server's modules is most of its start-up allocation: so boot-heap.ts must run in a graph of its
// own, and the commands load after it.
import './boot-heap.js';

await import('./commands.js');
