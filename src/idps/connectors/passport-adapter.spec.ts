import { Strategy } from 'passport';
import { intentStateStore, runStrategy, strategyRequest, type StrategyRequest } from './passport-adapter.js';

/** A strategy that ends the way the request asks: passport's contract seen from the inside. */
class Scripted extends Strategy {
  override authenticate(request: unknown): void {
    const req = request as StrategyRequest;
    switch (req.query.end) {
      case 'redirect':
        this.redirect('https://upstream.example/authorize');
        return;
      case 'success':
        this.success({ id: 'u1' }, { scope: 'openid' });
        return;
      case 'fail':
        this.fail({ message: 'denied' }, 403);
        return;
      case 'error':
        this.error(new Error('boom'));
        return;
      case 'twice':
        this.success({ id: 'first' });
        this.error(new Error('second'));
        return;
      default:
        throw new Error('thrown');
    }
  }
}

const callback = (end: string) => ({ query: new URLSearchParams({ end }), body: new URLSearchParams() });

describe('running a passport strategy without Express', () => {
  it.each([
    ['redirect', { kind: 'redirect', url: 'https://upstream.example/authorize' }],
    ['success', { kind: 'success', user: { id: 'u1' }, info: { scope: 'openid' } }],
    ['fail', { kind: 'fail', challenge: { message: 'denied' }, status: 403 }],
  ])('resolves with %s', async (end, outcome) => {
    expect(await runStrategy(new Scripted(), strategyRequest('i1', {}, callback(end)))).toEqual(outcome);
  });

  it('resolves with an error the strategy reports or throws, and only with the first outcome', async () => {
    const reported = await runStrategy(new Scripted(), strategyRequest('i1', {}, callback('error')));
    expect(reported.kind === 'error' && (reported.error as Error).message).toBe('boom');
    const thrown = await runStrategy(new Scripted(), strategyRequest('i1', {}, callback('throw')));
    expect(thrown.kind === 'error' && (thrown.error as Error).message).toBe('thrown');
    expect(await runStrategy(new Scripted(), strategyRequest('i1', {}, callback('twice')))).toMatchObject({
      kind: 'success',
      user: { id: 'first' },
    });
  });

  it('gives the strategy the callback as a GET, or as a form POST when it has a body', () => {
    expect(strategyRequest('i1', {}, callback('x')).method).toBe('GET');
    const posted = strategyRequest(
      'i1',
      {},
      { query: new URLSearchParams(), body: new URLSearchParams({ code: 'c' }) },
    );
    expect(posted).toMatchObject({ method: 'POST', body: { code: 'c' } });
  });
});

describe('the intent state store', () => {
  it('uses the intent id as state and keeps the PKCE verifier in the flow state, not a session', () => {
    const req = strategyRequest('intent-1', {});
    let state: string | undefined;
    intentStateStore.store(req, 'verifier-1', undefined, undefined, (_err, s) => {
      state = s;
    });
    expect(state).toBe('intent-1');
    expect(req.flow).toEqual({ codeVerifier: 'verifier-1' });

    const back = strategyRequest('intent-1', { ...req.flow });
    const answers: unknown[] = [];
    intentStateStore.verify(back, 'intent-1', (_err, ok) => answers.push(ok));
    intentStateStore.verify(back, 'intent-2', (_err, ok) => answers.push(ok));
    intentStateStore.verify(back, undefined, (_err, ok) => answers.push(ok));
    expect(answers).toEqual(['verifier-1', false, false]);

    const withoutPkce = strategyRequest('intent-1', {});
    intentStateStore.verify(withoutPkce, 'intent-1', (_err, ok) => answers.push(ok));
    expect(answers.at(-1)).toBe(true);
  });
});
