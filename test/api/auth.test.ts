import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/domain/users.js';
import { createWorkspace } from '../../src/domain/workspace-defaults.js';
import { PASSWORD, type TestServer, startTestServer } from '../helpers/server.js';

const NO_SESSION = {
  status: 401,
  errors: [{ code: 401, message: 'There is no access token associated with this request or the access token is not valid.' }],
};

describe('login, sessions and rate limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ items: 50 });
  });
  after(() => server.close());

  it('logs in and answers with the session and workspace, plus the rate headers', async () => {
    const res = await server.request('POST', '/v1/login', { body: { email: 'alice@acme.test', password: PASSWORD } });
    assert.equal(res.status, 200);
    assert.equal(typeof res.json.arenaSessionId, 'string');
    assert.equal(res.json.workspaceId, server.workspaceId);
    assert.equal(res.json.workspaceName, 'Acme Robotics');
    assert.equal(res.json.workspaceRequestLimit, 10000);
    assert.match(String(res.headers['x-arena-requests-remaining']), /^\d+$/);
    assert.match(String(res.headers['x-arena-next-request-limit-reset']), /^\w{3}, \d{2}-\w{3}-\d{4} 00:00:00 GMT-0[78]00 \(P[DS]T\)$/);
    assert.equal(res.headers.server, 'ArenaSolutions');
  });

  it('accepts workspaceId as a number or a string, and refuses a workspace the user is not in', async () => {
    for (const workspaceId of [server.workspaceId, String(server.workspaceId)]) {
      const res = await server.request('POST', '/v1/login', { body: { email: 'bob@acme.test', password: PASSWORD, workspaceId } });
      assert.equal(res.status, 200);
    }
    const res = await server.request('POST', '/v1/login', { body: { email: 'bob@acme.test', password: PASSWORD, workspaceId: server.otherWorkspaceId } });
    assert.equal(res.status, 400);
    assert.equal(res.json.errors[0].code, 4001);
  });

  it('rejects bad credentials with 4001 and its exact message', async () => {
    for (const body of [
      { email: 'alice@acme.test', password: 'wrong password' },
      { email: 'nobody@acme.test', password: PASSWORD },
      {},
    ]) {
      const res = await server.request('POST', '/v1/login', { body });
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, {
        status: 400,
        errors: [{ code: 4001, message: 'The username, password or workspace ID is not valid or you are not allowed to log in due to IP restriction.' }],
      });
    }
  });

  it('locks an account for five minutes after repeated failures (4083), even for the right password', async () => {
    await createUser(server.services.store, { email: 'dave@acme.test', password: PASSWORD, fullName: 'Dave', workspaceIds: [server.workspaceId] });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await server.request('POST', '/v1/login', { body: { email: 'dave@acme.test', password: 'nope nope' } });
      codes.push(res.json.errors[0].code);
    }
    assert.deepEqual(codes, [4001, 4001, 4001, 4001, 4083]);
    const res = await server.request('POST', '/v1/login', { body: { email: 'dave@acme.test', password: PASSWORD } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.errors[0], { code: 4083, message: 'Too many invalid password attempts, account disabled for five minutes.' });
  });

  it('answers 401 with the envelope and the rate headers when the session is missing or unknown', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const res = await server.request('GET', '/v1/exports', { token });
      assert.equal(res.status, 401);
      assert.deepEqual(res.json, NO_SESSION);
      assert.ok(res.headers['x-arena-requests-remaining'] !== undefined);
      assert.ok(res.headers['x-arena-next-request-limit-reset'] !== undefined);
    }
  });

  it('takes the session from the header in any case, or from the cookie', async () => {
    const token = await server.login('alice@acme.test');
    for (const headers of [{ ARENA_SESSION_ID: token }, { Arena_Session_Id: token }, { cookie: `foo=1; arena_session_id=${token}` }] as Record<string, string>[]) {
      const res = await server.request('GET', '/v1/exports', { headers });
      assert.equal(res.status, 200, JSON.stringify(headers));
    }
  });

  it('revokes the older session when the same user logs in again', async () => {
    const first = await server.login('bob@acme.test');
    const second = await server.login('bob@acme.test');
    assert.equal((await server.request('GET', '/v1/exports', { token: first })).status, 401);
    assert.equal((await server.request('GET', '/v1/exports', { token: second })).status, 200);
  });

  it('expires a session 90 minutes after its last request', async () => {
    const token = await server.login('bob@acme.test');
    await server.services.store.db.updateTable('sessions').set({ last_seen_ms: Date.now() - 91 * 60_000 }).where('token', '=', token).execute();
    const res = await server.request('GET', '/v1/exports', { token });
    assert.deepEqual(res.json, NO_SESSION);
  });

  it('logs out with PUT (200, no body) and the token stops working; GET /logout is 405', async () => {
    const token = await server.login('bob@acme.test');
    const wrong = await server.request('GET', '/v1/logout', { token });
    assert.equal(wrong.status, 405);
    assert.deepEqual(wrong.json.errors[0], { code: 405, message: 'The method is not allowed.' });
    const res = await server.request('PUT', '/v1/logout', { token, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    assert.equal(res.raw.length, 0);
    assert.equal((await server.request('GET', '/v1/exports', { token })).status, 401);
  });

  it('answers unknown routes with 404/404 and bad bodies with the envelope', async () => {
    const token = await server.login('alice@acme.test');
    const missing = await server.request('GET', '/v1/no/such/thing', { token });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { status: 404, errors: [{ code: 404, message: 'No resource has been found.' }] });
    const badJson = await server.request('POST', '/v1/exports', { token, body: '{"name": ', headers: { 'content-type': 'application/json' } });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.json.errors[0].code, 400);
    const badType = await server.request('POST', '/v1/exports', { token, body: 'name=x', headers: { 'content-type': 'text/plain' } });
    assert.equal(badType.status, 415);
    assert.equal(badType.json.errors[0].code, 415);
  });

  it('counts every request but login, failures included, and answers 429/4084 at the limit', async () => {
    const wsId = await createWorkspace(server.services.store, 'Tiny Co', 3);
    await createUser(server.services.store, { email: 'tina@tiny.test', password: PASSWORD, fullName: 'Tina', workspaceIds: [wsId] });
    const token = await server.login('tina@tiny.test');
    const remaining: string[] = [];
    const ok = await server.request('GET', '/v1/exports', { token });
    remaining.push(String(ok.headers['x-arena-requests-remaining']));
    const failed = await server.request('GET', '/v1/exports/NOTAGUID', { token });
    assert.equal(failed.status, 400);
    remaining.push(String(failed.headers['x-arena-requests-remaining']));
    await server.login('tina@tiny.test').then((t) => (remaining.push('login'), t));
    const third = await server.request('GET', '/v1/exports', { token: await server.login('tina@tiny.test') });
    remaining.push(String(third.headers['x-arena-requests-remaining']));
    assert.deepEqual(remaining, ['2', '1', 'login', '0']);
    const over = await server.request('GET', '/v1/exports', { token: await server.login('tina@tiny.test') });
    assert.equal(over.status, 429);
    assert.equal(over.json.status, 429);
    assert.equal(over.json.errors[0].code, 4084);
    assert.match(over.json.errors[0].message, /^You have exceeded your maximum of "3" requests during the last 24 hours\. Additional requests can be made at ".+"\.$/);
    assert.equal(over.headers['x-arena-requests-remaining'], '0');
  });
});
