/**
 * Two kinds that the connector does not ship, declared as a new kind's folder would declare
 * them (schema with examples and secret modes, permissions, factory), and the kind set that adds
 * them to the registry's: the tests prove that generic code takes new kinds in unchanged.
 */
import { defineSourceKind, defineTargetKind } from "../lib/kinds/kind.ts";
import { defineKindSet, kindRegistry, type KindSet } from "../lib/kind_registry.ts";
import { bool, int, text } from "../lib/schema.ts";

/** A made-up source kind: a webhook inbox reached at `endpoint`, with a token and an account. */
export const acmeInbox = defineSourceKind({
  kind: "acme.inbox",
  description: "Reads requests from an ACME inbox.",
  properties: {
    endpoint: text({
      description: "The inbox's host:port.",
      required: true,
      example: "inbox.acme.test:7000",
    }),
    api_token: text({ description: "Bearer token.", secret: true, example: "${ACME_TOKEN}" }),
    account_id: text({
      description: "Account id (identifies, grants nothing).",
      secret: "partial",
      example: "acct-1234567890",
    }),
    ca_file: text({ description: "CA bundle.", example: "/etc/acme/ca.pem" }),
    batch: int({
      description: "Requests per poll.",
      default: "10",
      min: 1,
      max: 100,
      example: "5",
    }),
  },
  validate: (o) => (o.batch > 50 && o.ca_file === undefined ? ["batch over 50 needs ca_file"] : []),
  permissions: {
    env: ["ACME_*"],
    sys: ["hostname"],
    endpoint: (o) => Promise.resolve({ net: [o.endpoint], read: o.ca_file ? [o.ca_file] : [] }),
  },
  payload: () => "request",
  create: () => Promise.reject(new Error("not started in this test")),
});

/** A made-up target kind: an object store with a password and a key id. */
export const acmeStore = defineTargetKind({
  kind: "acme.store",
  description: "Stores objects in an ACME store.",
  properties: {
    host: text({ description: "The store's host.", required: true, example: "store.acme.test" }),
    key_id: text({ description: "Key id.", secret: "partial", example: "KEY-ABCDEFGHIJKL" }),
    password: text({ description: "Password.", secret: true, example: "${ACME_PASSWORD}" }),
    tls: bool({ description: "Use TLS.", default: "true", example: "false" }),
  },
  permissions: {
    env: ["ACME_STORE_CREDENTIALS"],
    sys: ["osRelease"],
    endpoint: (o, ctx) => {
      const credentials = ctx.env("ACME_STORE_CREDENTIALS");
      return Promise.resolve({
        net: [`${o.host}:${o.tls ? 443 : 80}`],
        read: credentials ? [credentials] : [],
      });
    },
  },
  create: () => Promise.reject(new Error("not started in this test")),
});

/** The shipped kinds plus the two new ones: what the registry line would add. */
export const withNewKinds: KindSet = defineKindSet(
  [...kindRegistry.sources, acmeInbox],
  [...kindRegistry.targets, acmeStore],
);

export const newKindsConfig = (batch = "20"): string => `
apiHost: 127.0.0.1
apiPort: 8081
bindings:
  - name: acme
    source:
      kind: acme.inbox
      name: inbox
      properties:
        endpoint: inbox.acme.test:7000
        api_token: tok-secret-value
        account_id: acct-1234567890
        ca_file: /etc/acme/ca.pem
        batch: "${batch}"
    target:
      kind: acme.store
      name: store
      properties:
        host: store.acme.test
        key_id: KEY-ABCDEFGHIJKL
        password: pw-secret-value
        tls: "false"
`;
