/**
 * The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3.1 in its key parts (the root,
 * every operation, parameter and response; every component schema compiles as JSON Schema
 * 2020-12 with ajv), it lists every route of the route table with its roles, and the answers of
 * a real server (SQLite and PostgreSQL) match the schemas the document gives for them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { ROUTES, startServer, type RunningServer } from "../src/server/index.js";
import { BACKENDS, api, createTestStore, type TestStore } from "../src/testing/fleet-server.js";

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, { type: string; scheme?: string }> };
};
type Operation = {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: object }[];
  requestBody?: { content: Record<string, { schema?: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: object }> }>;
  security?: Record<string, string[]>[];
  "x-ictsguard-roles"?: string[];
  "x-ictsguard-site-scope"?: string;
};

/** The key parts of the OpenAPI 3.1 schema (spec.openapis.org/oas/3.1/schema), as JSON Schema. */
const OPENAPI_31_CORE = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  required: ["openapi", "info", "paths"],
  properties: {
    openapi: { type: "string", pattern: "^3\\.1\\.\\d+(-.+)?$" },
    info: { type: "object", required: ["title", "version"], properties: { title: { type: "string" }, version: { type: "string" } } },
    paths: {
      type: "object",
      propertyNames: { pattern: "^/" },
      additionalProperties: {
        type: "object",
        propertyNames: { enum: ["get", "put", "post", "delete", "options", "head", "patch", "trace", "parameters", "summary", "description", "servers", "$ref"] },
        additionalProperties: { $ref: "#/$defs/operation" },
      },
    },
    components: {
      type: "object",
      properties: {
        schemas: { type: "object", additionalProperties: { type: ["object", "boolean"] } },
        securitySchemes: { type: "object", additionalProperties: { type: "object", required: ["type"], properties: { type: { enum: ["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"] } } } },
      },
    },
  },
  $defs: {
    operation: {
      type: "object",
      required: ["responses"],
      properties: {
        parameters: {
          type: "array",
          items: {
            type: "object",
            required: ["name", "in"],
            properties: { name: { type: "string" }, in: { enum: ["query", "header", "path", "cookie"] }, required: { type: "boolean" }, schema: { type: ["object", "boolean"] } },
            if: { properties: { in: { const: "path" } } },
            then: { required: ["required"], properties: { required: { const: true } } },
          },
        },
        requestBody: { type: "object", required: ["content"], properties: { content: { type: "object", minProperties: 1 } } },
        responses: {
          type: "object",
          minProperties: 1,
          propertyNames: { pattern: "^([1-5][0-9X]{2}|default)$" },
          additionalProperties: { type: "object", required: ["description"], properties: { description: { type: "string" }, content: { type: "object" } } },
        },
        security: { type: "array", items: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } } },
      },
    },
  },
};

for (const backend of BACKENDS) {
  describe(`the OpenAPI document (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let doc: Doc;
    let key: string;
    const ajv = new Ajv2020({ strict: false, allErrors: true });

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home });
      server = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 } });
      await fleet.createSite(LOCAL_ADMIN, { name: "doc", profile: "federal-contractor" });
      key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      await fleet.ingest({
        principal: LOCAL_ADMIN,
        site: "doc",
        host: "ws-doc",
        observations: [{ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.1", source: { file: "doc.csv", line: 2 } }],
        source: { name: "doc.csv" },
      });
      const r = await api(server.url, "/api/v1/openapi.json");
      assert.equal(r.status, 200);
      doc = r.body as Doc;
      ajv.addSchema({ ...doc, $id: "urn:ictsguard:openapi" }, undefined, undefined, false);
    });

    after(async () => {
      await server?.close();
      await store?.drop();
    });

    it("is OpenAPI 3.1 in its key parts", () => {
      const validate = ajv.compile(OPENAPI_31_CORE);
      assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));
      assert.equal(doc.components.securitySchemes.Bearer?.type, "http");
      assert.equal(doc.components.securitySchemes.Bearer?.scheme, "bearer");
      const session = doc.components.securitySchemes.Session as { type?: string; in?: string; name?: string } | undefined;
      assert.deepEqual([session?.type, session?.in, session?.name], ["apiKey", "cookie", "ictsguard_session"]);
    });

    it("every component schema is valid JSON Schema 2020-12", () => {
      assert.ok(Object.keys(doc.components.schemas).length > 10);
      for (const name of Object.keys(doc.components.schemas)) {
        assert.doesNotThrow(() => ajv.compile({ $ref: `urn:ictsguard:openapi#/components/schemas/${name}` }), name);
      }
    });

    it("documents the attestation's refusal while a re-judgment due by its instant has not run (409, the error body)", () => {
      const refusal = doc.paths["/api/v1/attestations"]!.get!.responses["409"];
      assert.ok(refusal, "409 is documented");
      assert.match(refusal.description, /re-judged/);
      assert.ok(refusal.content?.["application/json"]?.schema, "with the error body's schema");
    });

    it("lists every route of the route table, with its roles and security", () => {
      for (const r of ROUTES) {
        const op = doc.paths[r.route.path]?.[r.route.method];
        assert.ok(op, `${r.id}: ${r.route.method.toUpperCase()} ${r.route.path} is in the document`);
        assert.deepEqual(op["x-ictsguard-roles"], typeof r.access === "string" ? [r.access] : [...r.access], r.id);
        assert.equal(op["x-ictsguard-site-scope"], r.scope, r.id);
        if (r.access === "public" || r.access === "osquery") assert.deepEqual(op.security, [], r.id);
        else if (r.access === "agent") {
          // the agent's own credential, as a bearer token: refused with 401, never 403
          assert.deepEqual(op.security, [{ Bearer: [] }], r.id);
          assert.ok(op.responses["401"], `${r.id} documents 401`);
        } else {
          assert.deepEqual(op.security, [{ Bearer: [] }, { Session: [] }], r.id);
          for (const status of ["401", "403", "429"]) assert.ok(op.responses[status], `${r.id} documents ${status}`);
        }
      }
      const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
      assert.equal(operations, ROUTES.length, "nothing in the document that is not in the table");
    });

    it("the server's answers match the schemas the document gives for them", async () => {
      const host = (await fleet.listHosts(LOCAL_ADMIN, { site: "doc" })).items[0]!;
      const finding = (await fleet.listFindings(LOCAL_ADMIN, { site: "doc" })).items[0]!;
      const calls: [string, string, string][] = [
        ["/api/v1/hosts", "get", "/api/v1/hosts?site=doc"],
        ["/api/v1/hosts/{id}", "get", `/api/v1/hosts/${host.id}`],
        ["/api/v1/hosts/{id}/history", "get", `/api/v1/hosts/${host.id}/history?at=${new Date().toISOString()}`],
        ["/api/v1/findings", "get", "/api/v1/findings?site=doc"],
        ["/api/v1/findings/{id}", "get", `/api/v1/findings/${finding.id}`],
        ["/api/v1/scans", "get", "/api/v1/scans"],
        ["/api/v1/summary", "get", "/api/v1/summary"],
        ["/api/v1/trend", "get", "/api/v1/trend?from=2024-09-27&to=2024-10-01"],
        ["/api/v1/exceptions", "get", "/api/v1/exceptions"],
        ["/api/v1/catalog", "get", "/api/v1/catalog"],
        ["/api/v1/sites", "get", "/api/v1/sites"],
        ["/api/v1/keys", "get", "/api/v1/keys"],
        ["/api/v1/audit", "get", "/api/v1/audit"],
        ["/api/v1/findings", "get", "/api/v1/findings?limit=5000"],
      ];
      for (const [path, method, url] of calls) {
        const r = await api(server.url, url, { key });
        const response = doc.paths[path]![method]!.responses[String(r.status)];
        assert.ok(response, `${url}: status ${r.status} is documented`);
        const schema = response.content?.["application/json"]?.schema;
        assert.ok(schema, `${url}: a JSON schema for ${r.status}`);
        const validate = ajv.compile({ $ref: `urn:ictsguard:openapi#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}/responses/${r.status}/content/application~1json/schema` });
        assert.ok(validate(r.body), `${url}: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
      }
    });
  });
}
