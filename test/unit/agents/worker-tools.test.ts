// The worker's tool table is the one description of its tools: these check that what is derived
// from it (grammar, parser, prompt, export definitions, dispatch) agrees, tool by tool.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAction } from '../../../daemon/src/agents/action-parser.js';
import { workerSchema } from '../../../daemon/src/agents/action-schemas.js';
import { PROMPTS } from '../../../daemon/src/agents/prompts.js';
import { createWorkerTools } from '../../../daemon/src/agents/tools/tool-executor.js';
import { WORKER_TOOL_TABLE, WORKER_TOOLS } from '../../../daemon/src/agents/tools/worker-tools.js';
import type { TaskWorkspace } from '../../../daemon/src/agents/ports.js';
import { toolDefinitions } from '../../../daemon/src/store/export/tool-definitions.js';
import type { WorkerAction } from '../../../daemon/src/protocol/types.js';

type Property = { type?: string | string[] };

/** A value every argument's grammar allows: built from the grammar itself, not from the table. */
function sampleFor(property: Property): unknown {
  const types = ([] as string[]).concat(property.type ?? []);
  if (types.includes('string')) return 'a';
  if (types.includes('integer')) return 1;
  if (types.includes('boolean')) return true;
  throw new Error(`no sample for ${JSON.stringify(property)}`);
}

const grammarOptions = workerSchema.oneOf.map((option) => ({
  tool: option.properties.tool.const,
  properties: option.properties.args.properties as Record<string, Property>,
}));

describe('agents: the worker tool table', () => {
  it('offers every tool of the table in the grammar, and nothing else', () => {
    assert.deepEqual(grammarOptions.map((o) => o.tool), WORKER_TOOLS);
    assert.equal(WORKER_TOOLS.length, new Set(WORKER_TOOLS).size);
  });

  it('parses an action of every tool the grammar can generate, with the same arguments', () => {
    for (const { tool, properties } of grammarOptions) {
      const args = Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, sampleFor(p)]));
      const parsed = parseAction('worker', { tool, args });
      assert.ok(parsed.ok, `${tool}: ${!parsed.ok && parsed.error}`);
      assert.deepEqual(parsed.action, { tool, args });
    }
  });

  it('parses the "null" the grammar generates for an optional line number as no line', () => {
    for (const { tool, properties } of grammarOptions) {
      const nullable = Object.entries(properties).filter(([, p]) => ([] as string[]).concat(p.type ?? []).includes('null'));
      if (nullable.length === 0) continue;
      const args = Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, nullable.some(([k]) => k === key) ? null : sampleFor(p)]));
      const parsed = parseAction('worker', { tool, args });
      assert.ok(parsed.ok && nullable.every(([key]) => !(key in parsed.action.args)), tool);
    }
  });

  it('gives every tool an export definition with the grammar\'s arguments, required unless the grammar lets them be null', () => {
    const definitions = toolDefinitions('worker');
    assert.deepEqual(definitions.map((d) => d.name), WORKER_TOOLS);
    for (const { tool, properties } of grammarOptions) {
      const definition = definitions.find((d) => d.name === tool)!;
      assert.deepEqual(Object.keys(definition.parameters.properties), Object.keys(properties), tool);
      const notNullable = Object.entries(properties).filter(([, p]) => !([] as string[]).concat(p.type ?? []).includes('null')).map(([k]) => k);
      assert.deepEqual(definition.parameters.required, notNullable, tool);
      for (const [key, schema] of Object.entries(definition.parameters.properties)) {
        const grammarTypes = ([] as string[]).concat(properties[key]!.type ?? []).filter((t) => t !== 'null');
        assert.deepEqual([schema.type], grammarTypes, `${tool}.${key}`);
        assert.ok(typeof schema.description === 'string' && schema.description.length > 0, `${tool}.${key} has a description`);
      }
    }
  });

  it('names every tool in the worker prompt with exactly its grammar\'s arguments', () => {
    const lines = PROMPTS.worker.text.split('\n').filter((line) => /^- \w+ \{/.test(line));
    const named = lines.map((line) => {
      const [, tool, args] = /^- (\w+) \{([^}]*)\}:/.exec(line)!;
      return { tool, args: args!.split(',').map((a) => a.trim()).filter(Boolean) };
    });
    assert.deepEqual(named, grammarOptions.map((o) => ({ tool: o.tool, args: Object.keys(o.properties) })));
  });

  it('says the same about the root in the prompt and the export: "." (and the parser takes "" too)', () => {
    const promptLine = PROMPTS.worker.text.split('\n').find((line) => line.startsWith('- list_files'))!;
    const exported = toolDefinitions('worker').find((d) => d.name === 'list_files')!.parameters.properties.path!.description as string;
    for (const text of [promptLine, exported]) {
      assert.match(text, /"\."/);
      assert.doesNotMatch(text, /""/);
    }
    assert.ok(parseAction('worker', { tool: 'list_files', args: { path: '.' } }).ok);
  });

  it('marks exactly the tools that can change files as writing them', () => {
    const writers = WORKER_TOOLS.filter((tool) => WORKER_TOOL_TABLE[tool].writesFiles);
    assert.deepEqual(writers, ['write_file', 'edit_file', 'run']);
  });

  describe('dispatch', () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'tandem-worker-tools-'));
      execFileSync('git', ['init', '-q', root]);
      writeFileSync(join(root, 'a'), 'a\n');
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('reaches every tool\'s own executor, and refuses a tool not in the table', async () => {
      const workspace: TaskWorkspace = { taskId: 't', root, branch: 'b', baseCommit: 'c', diff: () => Promise.reject(new Error('not used')) };
      const tools = createWorkerTools({ allowlist: () => [] });
      for (const { tool, properties } of grammarOptions) {
        const args = Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, sampleFor(p)]));
        const call = await tools.execute(workspace, { tool, args } as WorkerAction);
        assert.equal(call.tool, tool);
        assert.doesNotMatch(call.result, /unknown tool/, tool);
      }
      const unknown = await tools.execute(workspace, { tool: 'rm_rf', args: {} } as unknown as WorkerAction);
      assert.equal(unknown.ok, false);
      assert.match(unknown.result, /unknown tool "rm_rf": use one of list_files, read_file/);
    });

    it('lists the root for "." and for ""', async () => {
      const workspace: TaskWorkspace = { taskId: 't', root, branch: 'b', baseCommit: 'c', diff: () => Promise.reject(new Error('not used')) };
      const tools = createWorkerTools({ allowlist: () => [] });
      const dot = await tools.execute(workspace, { tool: 'list_files', args: { path: '.' } });
      const empty = await tools.execute(workspace, { tool: 'list_files', args: { path: '' } });
      assert.equal(dot.ok, true);
      assert.deepEqual([empty.ok, empty.result], [dot.ok, dot.result]);
      assert.match(dot.result, /^a$/m);
    });
  });
});
