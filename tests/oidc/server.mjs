// A real authorization server for the tests: panva's oidc-provider (npm, pinned in
// package-lock.json), installed by tests/run.sh into target/oidc and started per test on
// 127.0.0.1 with an ephemeral port. Usage: node server.mjs MODULES_DIR CONFIG_JSON
// It prints one line, {"issuer": "..."}, once it listens, and logs every token request's grant
// type to stderr ("token-request <grant_type>") so tests can count them, and every secret value
// it receives ("secret-value <value>") so leak tests know what to look for.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const [modulesDir, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const require = createRequire(`${(await import('node:path')).resolve(modulesDir)}/`);
const { default: Provider } = await import(pathToFileURL(require.resolve('oidc-provider')).href);

// Coupa's paths (coupa-oauth-facts.md §5), so the coupa preset can be pointed at this server.
const coupaRoutes = {
  authorization: '/oauth2/authorizations/new',
  token: '/oauth2/token',
  device_authorization: '/oauth2/device_authorizations',
  revocation: '/oauth2/revoke',
};

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  routes: config.coupa_routes ? coupaRoutes : undefined,
  scopes: ['openid', 'offline_access', 'api.read', 'api.write'],
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    // With config.jwt_resource, client-credentials tokens are JWTs for that resource (RFC 8707),
    // as API gateways issue them; without, they are opaque (and introspection tells about them).
    resourceIndicators: config.jwt_resource
      ? {
          enabled: true,
          defaultResource: () => config.jwt_resource,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'api.read api.write',
            audience: config.jwt_resource,
            accessTokenFormat: 'jwt',
          }),
        }
      : { enabled: false },
  },
  ttl: {
    AccessToken: config.access_ttl ?? 3600,
    ClientCredentials: config.access_ttl ?? 3600,
    RefreshToken: config.refresh_ttl ?? 90 * 86400,
  },
  rotateRefreshToken: config.rotate === 'never' ? false : true,
  // Every test run has its own keys; nothing here is a real secret.
  cookies: { keys: ['test-only-cookie-key'] },
});

provider.use(async (ctx, next) => {
  const started = process.hrtime.bigint();
  const isToken = ctx.method === 'POST' && ctx.path.endsWith('/token');
  if (isToken) {
    // Reading the body consumes the stream; the provider takes an already parsed body.
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    ctx.request.body = Object.fromEntries(form);
    process.stderr.write(`token-request ${form.get('grant_type')}\n`);
    // The values a leak test must never find in oauth-setup's output.
    for (const key of ['code', 'code_verifier', 'refresh_token', 'device_code']) {
      if (form.get(key)) process.stderr.write(`secret-value ${form.get(key)}\n`);
    }
  }
  await next();
  if (isToken) {
    // The server's own time for a token request, which benchmarks subtract.
    const micros = Number((process.hrtime.bigint() - started) / 1000n);
    process.stderr.write(`token-micros ${micros}\n`);
  }
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
