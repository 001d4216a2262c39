// Real frames of the integration suite against the protocol's JSON Schemas (protocol/schema/).
// The integration tests' WebSocket client (tests/support/ws_client.cpp) samples, into
// MEDIATION_FRAME_LOG, every request the server accepted and every frame it sent; here each is
// validated with Ajv (draft 2020-12): requests against <type>.json, replies and pushes against
// ok.json, error.json, event.json, notice.json (and <type>.json where one exists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schemaDir = path.join(here, '..', '..', 'protocol', 'schema');
const logDir = process.env.MEDIATION_FRAME_LOG;

function loadSchemas() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // RFC 3339 date-times as the server writes them (UTC, with or without milliseconds).
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  const files = fs.readdirSync(schemaDir).filter((f) => f.endsWith('.json'));
  // Every schema first, so that references between them ($ref "org.json") resolve.
  const schemas = files.map((f) => JSON.parse(fs.readFileSync(path.join(schemaDir, f), 'utf8')));
  for (const schema of schemas) ajv.addSchema(schema);
  const validators = new Map();
  files.forEach((f, i) => validators.set(f.slice(0, -5), ajv.getSchema(schemas[i].$id)));
  return validators;
}

function loadFrames() {
  const frames = [];
  for (const file of fs.readdirSync(logDir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      if (line.trim()) frames.push(JSON.parse(line));
    }
  }
  return frames;
}

test('every sampled frame of the integration suite matches its schema', { skip: !logDir && 'MEDIATION_FRAME_LOG not set' }, () => {
  const validators = loadSchemas();
  const frames = loadFrames();
  const failures = [];
  const requestTypes = new Set();
  const incomingTypes = new Set();
  let checked = 0;
  for (const { dir, frame } of frames) {
    const type = frame.type;
    const validate = validators.get(type);
    if (dir === 'request') {
      if (!validate) {
        failures.push(`request type ${type} has no schema`);
        continue;
      }
      requestTypes.add(type);
    } else {
      if (!validate) continue;  // pushes without a schema of their own (room, presence, signal)
      incomingTypes.add(type);
    }
    checked++;
    if (!validate(frame)) {
      failures.push(`${dir} ${type}${frame.kind ? ` (${frame.kind})` : ''}: ` +
        `${JSON.stringify(validate.errors.slice(0, 3))}\n    ${JSON.stringify(frame).slice(0, 400)}`);
    }
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} frame(s) do not match their schema`);
  // The sample must be real: most verbs and every kind of reply and push.
  for (const t of ['ok', 'error', 'event', 'notice']) assert.ok(incomingTypes.has(t), `no ${t} frame was sampled`);
  assert.ok(requestTypes.size >= 50, `only ${requestTypes.size} request types were sampled`);
  console.log(`${checked} frames validated: ${requestTypes.size} request types, incoming ${[...incomingTypes].join(', ')}`);
});
