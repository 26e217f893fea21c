import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Controller, Get } from '@nestjs/common';
import { hello } from '@trust-ledger/domain';

@Controller()
class C { @Get('x') x(): { v: string } { return { v: hello() }; } }
@Module({ controllers: [C] })
class M {}

it('boots', async () => {
  const ref = await Test.createTestingModule({ imports: [M] }).compile();
  const app = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const res = await request(app.getHttpServer()).get('/x');
  expect(res.body).toEqual({ v: 'domain' });
  await app.close();
});
