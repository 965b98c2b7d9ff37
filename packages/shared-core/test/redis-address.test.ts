import { inspect } from 'node:util';
import { RedisAddress } from '@speedup/shared-core/redis';
import { describe, expect, it } from 'vitest';

describe('RedisAddress', () => {
  it('reads redis:// and rediss:// URLs, with user, password and database', () => {
    const address = RedisAddress.parse('rediss://worker:s3cr%40t@queue.example:6380/2', undefined);
    expect(address.connection()).toEqual({
      host: 'queue.example',
      port: 6380,
      db: 2,
      username: 'worker',
      password: 's3cr@t',
      tls: { servername: 'queue.example' },
    });
    expect(RedisAddress.parse('redis://127.0.0.1', undefined).connection()).toEqual({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
    });
  });

  it('never shows its password: not as text, not in JSON, not when logged', () => {
    const address = RedisAddress.parse('redis://:hunter2@queue.example:6379/1', undefined);
    const shown = [
      String(address),
      `${address}`,
      JSON.stringify({ redis: address }),
      inspect(address),
      inspect({ nested: { address } }),
    ];
    for (const text of shown) {
      expect(text).not.toContain('hunter2');
      expect(text).toContain('***');
    }
    expect(String(address)).toBe('redis://:***@queue.example:6379/1');
  });

  it('takes the password from the environment when the URL has none, and hides it too', () => {
    const address = RedisAddress.parse('redis://queue.example', 'hunter2');
    expect(address.connection().password).toBe('hunter2');
    expect(String(address)).toBe('redis://:***@queue.example');
    // What a worker process is given: the URL without it, the password apart.
    expect(address.environment()).toEqual({
      SPEEDUP_REDIS_URL: 'redis://queue.example',
      SPEEDUP_REDIS_PASSWORD: 'hunter2',
    });
  });

  it('refuses anything but redis:// and rediss:// with a host and a database number, without repeating a password', () => {
    const refused = [
      'http://queue.example',
      'redis://',
      'redis://:hunter2@queue.example/not-a-db',
      'rediss://:hunter2@queue.example/0?tls=false',
      'redis://:hunter2@ queue example',
      'hunter2',
    ];
    for (const text of refused) {
      expect(() => RedisAddress.parse(text, undefined)).toThrow(RangeError);
      try {
        RedisAddress.parse(text, undefined);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });
});
