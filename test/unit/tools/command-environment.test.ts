import assert from 'node:assert/strict';
import { commandEnvironment } from '../../../daemon/src/agents/tools/command-environment.js';

describe('command environment', () => {
  const parent = {
    PATH: '/usr/bin', HOME: '/home/dev', LC_ALL: 'C.UTF-8', JAVA_HOME: '/opt/jdk', Path: 'C:\\Windows',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', GITHUB_TOKEN: 'ghp_0123456789abcdefghijklmnopqrstuvwxyz',
    NPM_CONFIG__AUTHTOKEN: 'npm_secret', TANDEM_TOKEN_FILE: '/home/dev/.tandem/token', GOPRIVATE: 'corp.example',
    FORCE_COLOR: '3',
  };

  it('passes what build and test tools need, matching Windows names without case', () => {
    const env = commandEnvironment(parent);
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.Path, 'C:\\Windows');
    assert.equal(env.HOME, '/home/dev');
    assert.equal(env.LC_ALL, 'C.UTF-8');
    assert.equal(env.JAVA_HOME, '/opt/jdk');
  });

  it('leaves out everything else, secrets included, and asks for plain output', () => {
    const env = commandEnvironment(parent);
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'NPM_CONFIG__AUTHTOKEN', 'TANDEM_TOKEN_FILE', 'GOPRIVATE']) {
      assert.equal(env[name], undefined, name);
    }
    assert.deepEqual([env.CI, env.NO_COLOR, env.FORCE_COLOR], ['1', '1', '0']);
  });

  it('passes the names the user lists in TANDEM_RUN_ENV', () => {
    const env = commandEnvironment({ ...parent, TANDEM_RUN_ENV: ' goprivate, DATABASE_URL ,', DATABASE_URL: 'postgres://localhost/test' });
    assert.equal(env.GOPRIVATE, 'corp.example');
    assert.equal(env.DATABASE_URL, 'postgres://localhost/test');
    assert.equal(env.GITHUB_TOKEN, undefined);
  });
});
