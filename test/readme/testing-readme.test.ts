// The complete test from packages/testing/README.md, kept identical (test/readme/readme-sync.test.ts checks).

import { requireAuth } from '@gatehouse/express';
import { createTestIssuer } from '@gatehouse/testing';
import express from 'express';
import request from 'supertest';
import { afterAll, it } from 'vitest';

const issuer = await createTestIssuer();
const app = express().get(
  '/me',
  requireAuth({ issuer: issuer.url, audience: issuer.audience }),
  (req, res) => {
    res.json({ sub: req.auth?.subject });
  },
);
afterAll(() => issuer.close());
it('answers the caller', async () => {
  const token = await issuer.mint({ sub: 'alice' });
  await request(app).get('/me').auth(token, { type: 'bearer' }).expect(200, { sub: 'alice' });
});
it('rejects an expired token', async () => {
  const token = await issuer.mint({}, { expiresIn: -60 });
  await request(app)
    .get('/me')
    .auth(token, { type: 'bearer' })
    .expect(401)
    .expect('www-authenticate', /error="invalid_token"/);
});
