// A real OpenID Connect provider (the `oidc-provider` package) for the
// single sign-on tests, on a loopback port. Everything comes from the
// environment:
//
//   OIDC_PORT     the port to listen on (127.0.0.1)
//   OIDC_CLIENTS  JSON: [{ "client_id", "client_secret", "redirect_uris",
//                 "tamper"? }] where "tamper" makes the provider hand that
//                 client an ID token it must refuse: "audience" (issued for
//                 another client) or "expired" (expired an hour ago), both
//                 signed with the provider's own key
//   OIDC_USERS    JSON: { "login": { "email", "groups": [..] } }
//
// Sign-in is a form at /interaction/:uid: posting `login` to
// /interaction/:uid/login signs that user in and grants what the client
// asked, without a consent page.

import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK, decodeJwt, SignJWT } from 'jose';

const port = Number(process.env.OIDC_PORT || 0);
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const users = JSON.parse(process.env.OIDC_USERS || '{}');
const issuer = `http://127.0.0.1:${port}`;

const tamper = Object.fromEntries(clients.filter((c) => c.tamper).map((c) => [c.client_id, c.tamper]));

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: clients.map(({ tamper: _, ...c }) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
  scopes: ['openid', 'email', 'groups'],
  // Claims asked by scope go into the ID token, as the staff IdPs do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: user.email, email_verified: true, groups: user.groups || [] };
      },
    };
  },
  cookies: { keys: ['test-cookie-key-not-a-secret'] },
});

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

provider.use(async (ctx, next) => {
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (interaction && ctx.method === 'GET' && !interaction[2]) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = 'html';
    ctx.body = `<form method="post" action="/interaction/${details.uid}/login">
<input name="login"><button>Sign in</button></form>`;
    return;
  }
  if (interaction && ctx.method === 'POST' && interaction[2]) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const login = (await readForm(ctx.req)).get('login');
    if (!users[login]) {
      ctx.status = 403;
      ctx.body = 'unknown user';
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    const to = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: login }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(to);
    return;
  }
  await next();
  // A misbehaving provider for the cases the service must refuse.
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    const client = ctx.oidc && ctx.oidc.client && ctx.oidc.client.clientId;
    const how = tamper[client];
    if (how) {
      const claims = decodeJwt(ctx.body.id_token);
      const now = Math.floor(Date.now() / 1000);
      if (how === 'audience') claims.aud = 'another-client';
      if (how === 'expired') {
        claims.iat = now - 7200;
        claims.exp = now - 3600;
      }
      ctx.body = {
        ...ctx.body,
        id_token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
          .sign(privateKey),
      };
    }
  }
});

createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  console.log(`oidc provider listening on ${issuer}`);
});
