// The CLI imports this module before any other, so it runs before the server's modules load.
//
// V8 grows the young generation (two semi-spaces, up to 16 MiB each) when many young objects
// survive, and start-up is nearly nothing else: loading the modules and the contract's
// descriptors makes objects that live as long as the process. So the young generation grew to
// its maximum during boot and stayed there, 32 MiB of an idle server's ~180 MiB RSS that served
// no request. It is held at its initial size while booting and may grow again once the server
// listens, where the load decides (and V8 shrinks it again when the load is gone).
import { setFlagsFromString } from 'node:v8';

const GROWTH_FLAG = '--semi-space-growth-factor';
/** V8's default for GROWTH_FLAG. */
const DEFAULT_GROWTH = 2;

/** Whoever starts node with young-generation flags of their own keeps them. */
const tunedByCaller = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('semi-space'));

if (!tunedByCaller) setFlagsFromString(`${GROWTH_FLAG}=1`);

/** From now on the young generation follows the load. */
export function letYoungGenerationGrow(): void {
  if (!tunedByCaller) setFlagsFromString(`${GROWTH_FLAG}=${DEFAULT_GROWTH}`);
}
