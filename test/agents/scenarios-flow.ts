// Scenarios of the orchestrator-worker flow: delegate → diff → revise → accept → finish, the human's
// rejection as a new round, and invalid actions the model gets back as errors.
import assert from 'node:assert/strict';
import { PROMPTS } from '../../daemon/src/agents/prompts.js';
import type { HarnessFactory } from './harness.js';
import { lastMessage, runScenario, SAMPLE_FILES } from './scenario-kit.js';
import { act } from './scripted-model.js';

export async function delegateReviseAcceptFinish(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'flow-1',
    scripts: {
      orchestrator: [
        act('delegate', { instruction: 'Add hello.txt with a greeting.', files: ['README.md'] }),
        act('revise', { feedback: 'The greeting is misspelled: helo.' }),
        act('accept'),
        act('finish', { summary: 'Added hello.txt.' }),
      ],
      worker: [
        act('write_file', { path: 'hello.txt', content: 'helo\n' }),
        act('done', { summary: 'wrote hello.txt' }),
        act('edit_file', { path: 'hello.txt', search: 'helo', replace: 'hello' }),
        act('done', { summary: 'fixed the typo' }),
      ],
    },
  });
  const { result, model, harness, events } = run;
  try {
    assert.equal(result.state, 'review');
    assert.equal(result.stopReason, 'finished');
    assert.equal(result.summary, 'Added hello.txt.');
    assert.match(result.diff!.unified, /^\+hello$/m);
    assert.doesNotMatch(result.diff!.unified, /^\+helo$/m);
    assert.notEqual(result.diffId, null);

    // The worker got its instruction and the relevant file; the orchestrator got the summary and the diff.
    const brief = model.requestsOf('worker')[0]!.messages;
    assert.equal(brief[0]!.content, PROMPTS.worker.text);
    assert.match(brief[1]!.content, /Add hello\.txt with a greeting\./);
    assert.match(brief[1]!.content, /# Sample/);
    assert.match(lastMessage(model, 'orchestrator', 1), /wrote hello\.txt/);
    assert.match(lastMessage(model, 'orchestrator', 1), /^\+helo$/m);
    // The revision continues the same worker conversation, with the feedback.
    const revised = model.requestsOf('worker')[2]!.messages;
    assert.ok(revised.some((m) => m.role === 'user' && m.content.includes('The greeting is misspelled: helo.')));
    assert.ok(revised.some((m) => m.content.includes('wrote hello.txt')), 'the revision keeps the earlier turns');
    assert.match(lastMessage(model, 'orchestrator', 2), /fixed the typo/);
    assert.match(lastMessage(model, 'orchestrator', 2), /^\+hello$/m);

    const probe = harness.probe;
    assert.deepEqual(probe.task(run.taskId), { state: 'review', stopReason: 'finished', promptVersion: `${PROMPTS.orchestrator.version}+${PROMPTS.worker.version}` });
    const subtasks = probe.subtasks(run.taskId);
    assert.equal(subtasks.length, 1);
    assert.equal(subtasks[0]!.outcome, 'accepted');
    const steps = probe.steps(run.taskId);
    assert.deepEqual(steps.map((s) => s.role), ['orchestrator', 'worker', 'worker', 'orchestrator', 'worker', 'worker', 'orchestrator', 'orchestrator']);
    for (const step of steps) {
      assert.equal(step.promptVersion, PROMPTS[step.role].version);
      assert.equal(step.state, 'done');
      assert.equal(step.toolCalls.length, 1, `step ${step.id} has one tool call`);
      assert.ok(step.action, `step ${step.id} has its action`);
      if (step.role === 'worker') assert.equal(step.subtaskId, subtasks[0]!.id);
    }
    assert.equal(steps[1]!.toolCalls[0]!.ok, true);
    assert.equal(probe.diffs(run.taskId).length, 3, 'one diff per worker run and the final one');

    // Events: a step's tokens and result come after it starts; the diff is ready before the review state.
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'round.started');
    assert.ok(types.indexOf('diff.ready') < types.lastIndexOf('task.state'));
    const last = events[events.length - 1]!;
    assert.ok(last.type === 'task.state' && last.state === 'review');
    assert.equal(types.filter((t) => t === 'step.finished').length, 8);
    assert.equal(types.filter((t) => t === 'tool.result').length, 8);

    // The user's own tree is untouched until the human approves.
    assert.equal(await harness.userFile('hello.txt'), null);
    assert.equal(await harness.userFile('README.md'), SAMPLE_FILES['README.md']);
  } finally {
    await harness.cleanup();
  }
}

export async function rejectionStartsNewRound(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'reject-1',
    scripts: {
      orchestrator: [
        act('delegate', { instruction: 'Write greeting.txt saying Hello.', files: [] }),
        act('accept'),
        act('finish', { summary: 'Greeting added.' }),
        act('delegate', { instruction: 'Change the greeting to Howdy.', files: ['greeting.txt'] }),
        act('accept'),
        act('finish', { summary: 'Greeting changed.' }),
      ],
      worker: [
        act('write_file', { path: 'greeting.txt', content: 'Hello\n' }),
        act('done', { summary: 'wrote greeting.txt' }),
        act('edit_file', { path: 'greeting.txt', search: 'Hello', replace: 'Howdy' }),
        act('done', { summary: 'changed it' }),
      ],
    },
  });
  const { model, harness, taskId } = run;
  try {
    assert.equal(run.result.state, 'review');
    const reason = 'Say "Howdy", not "Hello": this is a cowboy project.';
    const second = await run.nextRound(reason);
    assert.equal(second.round, 2);
    assert.equal(second.state, 'review');
    assert.match(second.diff!.unified, /^\+Howdy$/m);

    // The orchestrator's first message of round 2 carries the reason and the rejected attempt.
    const opening = model.requestsOf('orchestrator')[3]!.messages[1]!.content;
    assert.ok(opening.includes(`The human rejected the previous attempt because: ${reason}`));
    assert.match(opening, /^\+Hello$/m);
    // ... and is recorded as such.
    assert.deepEqual(harness.probe.rounds(taskId), [{ round: 1, feedback: null }, { round: 2, feedback: reason }]);
    const roundTwo = harness.probe.steps(taskId).filter((s) => s.round === 2);
    assert.equal(roundTwo.length, 5);
    assert.ok(roundTwo[0]!.messages.some((m) => m.content.includes(reason)));
    const subtasks = harness.probe.subtasks(taskId);
    assert.deepEqual(subtasks.map((s) => s.round), [1, 2]);
    assert.notEqual(subtasks[0]!.id, subtasks[1]!.id);
    assert.ok(run.events.some((e) => e.type === 'round.started' && e.round === 2 && e.feedback === reason));
    assert.equal(harness.probe.task(taskId)!.state, 'review');
  } finally {
    await harness.cleanup();
  }
}

export async function invalidActionsAreErrorsTheModelSees(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'invalid-1',
    scripts: {
      orchestrator: [
        act('write_file', { path: 'x.txt', content: 'the orchestrator never edits files' }),
        { cutOff: true },
        act('delegate', { instruction: '   ', files: [] }),
        act('delegate', { instruction: 'Add notes.txt.', files: ['../../etc/passwd'] }),
        act('accept'),
        act('finish', { summary: 'done' }),
      ],
      worker: [
        act('read_file', { path: 'README.md', start_line: 5, end_line: 2 }),
        { act: { tool: 'explode', args: {} } },
        { act: { tool: 'write_file', args: { path: 'notes.txt' } } },
        act('write_file', { path: 'notes.txt', content: 'notes\n' }),
        act('done', { summary: 'added notes' }),
      ],
    },
  });
  const { model, harness, taskId, result } = run;
  try {
    assert.equal(result.state, 'review');
    assert.match(lastMessage(model, 'orchestrator', 1), /Unknown tool "write_file".*delegate/s);
    assert.match(lastMessage(model, 'orchestrator', 1), /never edits or reads files/);
    assert.match(lastMessage(model, 'orchestrator', 2), /No action was produced/);
    assert.match(lastMessage(model, 'orchestrator', 3), /"instruction" must not be empty/);
    // A relevant file outside the worktree is refused like any read, and the worker goes on.
    assert.match(model.requestsOf('worker')[0]!.messages[1]!.content, /read_file → error/);
    assert.match(lastMessage(model, 'worker', 1), /end_line \(2\) is before start_line \(5\)/);
    assert.match(lastMessage(model, 'worker', 2), /Unknown tool "explode"/);
    assert.match(lastMessage(model, 'worker', 3), /"content" must be a string/);

    const steps = harness.probe.steps(taskId);
    const invalid = steps.filter((s) => s.action === null);
    assert.equal(invalid.length, 6);
    for (const step of invalid) {
      assert.equal(step.toolCalls.length, 1);
      assert.equal(step.toolCalls[0]!.ok, false);
    }
    assert.equal(await harness.userFile('x.txt'), null);
    assert.doesNotMatch(result.diff!.unified, /x\.txt/);
  } finally {
    await harness.cleanup();
  }
}
