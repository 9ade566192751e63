// A NestJS API protected by Gatehouse. `pnpm start`, then run the printed curl lines.
import 'reflect-metadata';
import { createTestIssuer } from '@gatehouse/testing';
import { NestFactory } from '@nestjs/core';
import { appModule } from './app.module.js';

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();
const app = await NestFactory.create(appModule({ issuer: issuer.url, audience: issuer.audience }));
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');

const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const token = await issuer.mint({ scope: 'reports:read', roles: ['auditor'] });
console.log(`NestJS example on ${url} (issuer ${issuer.url})`);
console.log(`curl ${url}/health`);
console.log(`curl ${url}/ready`);
console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/reports`);
console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/me`);
console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/audit`);
console.log(`curl -i -H "Authorization: Bearer ${token}" ${url}/api/admin   # 403`);
console.log(`curl -i -H "Authorization: Bearer ${token}" ${url}/api/billing   # 403 (roles)`);

process.once('SIGINT', () => {
  void app.close();
  void issuer.close();
});
